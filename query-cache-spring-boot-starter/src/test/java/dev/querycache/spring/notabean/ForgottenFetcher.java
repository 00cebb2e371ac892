package dev.querycache.spring.notabean;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import reactor.core.publisher.Mono;

/** Annotated, but nobody made it a bean (no @Component): the new user's mistake. */
@QueryEndpoint
public class ForgottenFetcher implements QueryFetcher<String, String> {
    @Override
    public Mono<String> fetch(String arg) {
        return Mono.just(arg);
    }
}

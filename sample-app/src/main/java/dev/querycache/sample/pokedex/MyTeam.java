package dev.querycache.sample.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import java.util.List;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The caller's team: a PRINCIPAL endpoint, so one trainer's team is never served to another. */
@Component
@QueryEndpoint(scope = QueryScope.PRINCIPAL, tags = "Team", keepUnusedDataFor = "5m")
public class MyTeam implements QueryFetcher<String, List<Pokemon>> {

    private final UpstreamClient upstream;

    MyTeam(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<List<Pokemon>> fetch(String which) {
        return Mono.deferContextual(ctx -> upstream.web().get().uri("/upstream/teams/{user}", QueryScopes.principal(ctx))
                .retrieve().bodyToMono(new ParameterizedTypeReference<List<Pokemon>>() { }));
    }
}

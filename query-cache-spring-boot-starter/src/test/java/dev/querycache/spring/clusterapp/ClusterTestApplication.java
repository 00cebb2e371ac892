package dev.querycache.spring.clusterapp;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** One "instance" of a service; the cluster tests run two of them on one Redis. */
@SpringBootApplication
public class ClusterTestApplication {

    public record SearchQuery(String type, int limit) {
    }

    @Component("items")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Items implements QueryFetcher<String, String> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public Mono<String> fetch(String arg) {
            return Mono.fromSupplier(() -> arg + "#" + calls.computeIfAbsent(arg, k -> new AtomicInteger()).incrementAndGet());
        }

        @Override
        public Set<Tag> providesTags(String arg, String result) {
            return Set.of(Tag.of("Item", arg));
        }

        int calls(String arg) {
            AtomicInteger n = calls.get(arg);
            return n == null ? 0 : n.get();
        }
    }

    @Component("search")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Search implements QueryFetcher<SearchQuery, List<String>> {
        @Override
        public Mono<List<String>> fetch(SearchQuery q) {
            return Mono.just(List.of(q.type() + "-" + q.limit()));
        }
    }

    /** Numeric ids: provides {@code Tag.of("Order", id)} with a {@code Long} id. */
    @Component("orders")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Orders implements QueryFetcher<Long, String> {
        @Override
        public Mono<String> fetch(Long id) {
            return Mono.just("order-" + id);
        }

        @Override
        public Set<Tag> providesTags(Long id, String result) {
            return Set.of(Tag.of("Order", id));
        }
    }

    /** One entry per caller: the caller's notes. */
    @Component("notes")
    @QueryEndpoint(keepUnusedDataFor = "never", scope = dev.querycache.QueryScope.PRINCIPAL)
    public static class Notes implements QueryFetcher<String, String> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public Mono<String> fetch(String arg) {
            return Mono.deferContextual(ctx -> {
                String who = dev.querycache.QueryScopes.principal(ctx);
                return Mono.just(who + ":" + arg + "#" + calls.computeIfAbsent(who, k -> new AtomicInteger()).incrementAndGet());
            });
        }
    }
}

package dev.querycache.spring;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** Endpoint beans shared by the starter tests. */
final class TestEndpoints {

    private TestEndpoints() {
    }

    /** Answers "name#n" and provides Pokemon:name. */
    @QueryEndpoint(tags = "Pokemon", keepUnusedDataFor = "2s")
    static class PokemonByName implements QueryFetcher<String, String> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Mono<String> fetch(String name) {
            return Mono.fromSupplier(() -> name + "#" + calls.incrementAndGet());
        }

        @Override
        public Set<Tag> providesTags(String name, String result) {
            return Set.of(Tag.of("Pokemon", name));
        }
    }

    @QueryEndpoint(name = "types")
    static class PokemonTypes implements QueryFetcher<Void, List<String>> {
        @Override
        public Mono<List<String>> fetch(Void arg) {
            return Mono.just(List.of("fire", "water"));
        }
    }

    @InfiniteQueryEndpoint(maxPages = 3)
    static class Catalogue implements InfiniteQueryFetcher<String, Integer, List<Integer>> {
        @Override
        public Integer initialPageParam() {
            return 0;
        }

        @Override
        public Mono<List<Integer>> fetchPage(String arg, Integer page) {
            return Mono.just(List.of(page * 2, page * 2 + 1));
        }

        @Override
        public Integer getNextPageParam(List<Integer> last, List<List<Integer>> all, Integer lastParam, List<Integer> params) {
            return lastParam < 9 ? lastParam + 1 : null;
        }
    }

    /** Annotated, but implements no fetcher interface. */
    @QueryEndpoint
    static class NotAFetcher {
    }
}

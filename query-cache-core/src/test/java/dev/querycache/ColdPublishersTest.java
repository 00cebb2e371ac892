package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Reactor's first rule (CONTRACT amendment 2026-12-06): every Mono and Flux the API answers is cold,
 * whatever the endpoint's scope. Building one does nothing; each subscription asks the cache anew.
 */
class ColdPublishersTest {

    /** The caller or request a scoped endpoint needs, written into the subscriber's Context. */
    private static Function<Context, Context> scopeOf(QueryScope scope, RequestScope request) {
        return switch (scope) {
            case SHARED -> ctx -> ctx;
            case PRINCIPAL -> QueryScopes.withPrincipal("ash");
            case REQUEST -> QueryScopes.withRequest(request);
        };
    }

    private static QueryClient client(QueryScope scope, CountingFetcher fetcher) {
        fetcher.tags = (a, r) -> java.util.Set.of(Tag.of("Item", a));
        return QueryClient.builder()
                .endpoint("items", fetcher, EndpointOptions.builder().scope(scope).build())
                .build();
    }

    @ParameterizedTest
    @EnumSource(QueryScope.class)
    void aQueryBuiltAndDroppedFetchesNothing(QueryScope scope) {
        CountingFetcher fetcher = new CountingFetcher();
        try (QueryClient client = client(scope, fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("k");
            items.refetch("k");
            assertThat(fetcher.calls).hasValue(0);
            assertThat(client.inspector().size()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(QueryScope.class)
    void aFallbackThatIsNeverTakenFetchesNothing(QueryScope scope) {
        CountingFetcher fetcher = new CountingFetcher();
        RequestScope request = RequestScope.open();
        try (QueryClient client = client(scope, fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            Object got = Mono.just((Object) "x").switchIfEmpty(items.query("k")).contextWrite(scopeOf(scope, request))
                    .block(Duration.ofSeconds(10));
            assertThat(got).isEqualTo("x");
            assertThat(fetcher.calls).hasValue(0);
        }
    }

    @ParameterizedTest
    @EnumSource(QueryScope.class)
    void aQuerySubscribedAgainAfterAnInvalidationAnswersFreshData(QueryScope scope) {
        CountingFetcher fetcher = new CountingFetcher();
        RequestScope request = RequestScope.open();
        try (QueryClient client = client(scope, fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            Mono<Object> kept = items.query("k").contextWrite(scopeOf(scope, request));
            assertThat(kept.block(Duration.ofSeconds(10))).isEqualTo("k#1");
            assertThat(kept.block(Duration.ofSeconds(10))).as("a hit").isEqualTo("k#1");
            client.invalidateTags(Tag.of("Item"));
            assertThat(kept.block(Duration.ofSeconds(10))).isEqualTo("k#2");
            assertThat(fetcher.calls).hasValue(2);
        }
    }

    @ParameterizedTest
    @EnumSource(QueryScope.class)
    void retryAndRepeatAskAgain(QueryScope scope) {
        CountingFetcher fetcher = new CountingFetcher();
        RequestScope request = RequestScope.open();
        try (QueryClient client = client(scope, fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            fetcher.failNext = true;
            Object got = items.query("k").retry(1).contextWrite(scopeOf(scope, request)).block(Duration.ofSeconds(10));
            assertThat(got).as("the retry fetched again").isEqualTo("k#2");
            List<Object> refetched = items.refetch("k").repeat(2).contextWrite(scopeOf(scope, request)).collectList()
                    .block(Duration.ofSeconds(10));
            assertThat(refetched).containsExactly("k#3", "k#4", "k#5");
            assertThat(fetcher.calls).hasValue(5);
        }
    }

    @ParameterizedTest
    @EnumSource(QueryScope.class)
    void aWatchBuiltAndDroppedSubscribesNothing(QueryScope scope) {
        CountingFetcher fetcher = new CountingFetcher();
        try (QueryClient client = client(scope, fetcher)) {
            client.endpoint("items").watch("k");
            assertThat(client.inspector().subscriptionCount()).isZero();
            assertThat(fetcher.calls).hasValue(0);
        }
    }

    @Test
    void infinitePublishersAreColdToo() {
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        InfiniteQueryFetcher<String, Integer, String> pages = new InfiniteQueryFetcher<>() {
            @Override
            public Integer initialPageParam() {
                return 0;
            }

            @Override
            public Mono<String> fetchPage(String arg, Integer page) {
                return Mono.fromSupplier(() -> {
                    requests.add(arg + "/" + page);
                    return arg + "/" + page;
                });
            }

            @Override
            public Integer getNextPageParam(String lastPage, List<String> allPages, Integer lastParam, List<Integer> allParams) {
                return lastParam + 1;
            }

            @Override
            public Integer getPreviousPageParam(String firstPage, List<String> allPages, Integer firstParam,
                                                List<Integer> allParams) {
                return firstParam - 1;
            }
        };
        try (QueryClient client = QueryClient.builder().infiniteEndpoint("pages", pages, EndpointOptions.none()).build()) {
            InfiniteEndpoint<Object, Object, Object> e = client.infiniteEndpoint("pages");
            e.query("a");
            e.fetchNextPage("a");
            e.fetchPreviousPage("a");
            e.refetch("a");
            e.watch("a");
            assertThat(requests).isEmpty();
            Mono<InfiniteData<Object, Object>> next = e.fetchNextPage("a");
            e.query("a").block(Duration.ofSeconds(10));
            assertThat(next.block(Duration.ofSeconds(10)).pageParams()).containsExactly(0, 1);
            assertThat(next.block(Duration.ofSeconds(10)).pageParams()).as("each subscription fetches the next page then")
                    .containsExactly(0, 1, 2);
        }
    }

    @Test
    void awaitRunningQueriesWaitsForTheFetchesRunningWhenItIsSubscribed() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().endpoint("slow", slow, EndpointOptions.none()).build()) {
            Mono<Void> await = client.awaitRunningQueries();   // built while nothing runs
            Mono<Object> running = Started.now(client.endpoint("slow").query("a"));
            var done = await.toFuture();
            assertThat(done).as("the fetch started after the Mono was built is awaited").isNotDone();
            slow.completeNext("A");
            assertThat(done).succeedsWithin(Duration.ofSeconds(10));
            assertThat(running.block(Duration.ofSeconds(10))).isEqualTo("A");
        }
    }
}

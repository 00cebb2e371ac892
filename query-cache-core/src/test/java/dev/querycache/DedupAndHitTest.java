package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class DedupAndHitTest {

    @Test
    void concurrentColdQueriesForOneKeyRunTheFetcherOnce() throws Exception {
        ControlledFetcher fetcher = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().endpoint("items", fetcher, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            int callers = 64;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Mono<Object>>> monos = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                monos.add(pool.submit(() -> {
                    go.await();
                    Mono<Object> m = items.query("a").cache();   // subscribed here, on this caller's thread
                    m.subscribe(v -> { }, e -> { });
                    return m;
                }));
            }
            go.countDown();
            List<Mono<Object>> results = new ArrayList<>();
            for (Future<Mono<Object>> f : monos) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            pool.shutdown();

            assertThat(fetcher.calls).hasValue(1);
            fetcher.completeNext("A");
            for (Mono<Object> m : results) {
                assertThat(m.block()).isEqualTo("A");
            }
            QueryCacheStats stats = client.stats();
            assertThat(stats.missCount()).isEqualTo(1);
            assertThat(stats.dedupCount()).isEqualTo(callers - 1);
            assertThat(stats.fetchCount()).isEqualTo(1);
        }
    }

    @Test
    void differentArgsAreDifferentEntriesAndEqualArgsShareOne() {
        CountingFetcher fetcher = new CountingFetcher();
        try (QueryClient client = QueryClient.builder().endpoint("items", fetcher, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            assertThat(items.query("a").block()).isEqualTo("a#1");
            assertThat(items.query(new String("a")).block()).isEqualTo("a#1");
            assertThat(items.query("b").block()).isEqualTo("b#1");
            assertThat(items.query(null).block()).isEqualTo("null#1");
            assertThat(items.query(null).block()).isEqualTo("null#1");
            assertThat(fetcher.calls).hasValue(3);
            assertThat(client.inspector().size()).isEqualTo(3);
        }
    }

    @Test
    void aQueryAsksTheCacheAtEachSubscriptionAndNotBefore() {
        CountingFetcher fetcher = new CountingFetcher();
        try (QueryClient client = QueryClient.builder().endpoint("items", fetcher, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            Mono<Object> kept = items.query("a");
            assertThat(client.stats().hitCount()).as("building a query asks nothing").isZero();
            assertThat(kept.block()).isEqualTo("a#1");
            assertThat(kept.block()).isEqualTo("a#1");
            assertThat(client.stats().hitCount()).as("one hit per subscription").isEqualTo(2);
            assertThat(fetcher.calls).hasValue(1);
        }
    }

    @Test
    void queryCreatesNoSubscription() {
        CountingFetcher fetcher = new CountingFetcher();
        try (QueryClient client = QueryClient.builder().endpoint("items", fetcher, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            assertThat(items.state("a").subscriberCount()).isZero();
            assertThat(items.state("a").status()).isEqualTo(QueryStatus.SUCCESS);
        }
    }

    @Test
    void anEmptyFetchIsStoredAsNoDataAndCompletesEmpty() {
        QueryFetcher<String, String> empty = arg -> Mono.empty();
        try (QueryClient client = QueryClient.builder().endpoint("empty", empty, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> e = client.endpoint("empty");
            assertThat(e.query("x").blockOptional()).isEmpty();
            assertThat(e.state("x").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(e.state("x").data()).isNull();
            assertThat(e.query("x").blockOptional()).isEmpty();
            assertThat(client.stats().hitCount()).isEqualTo(1);
        }
    }
}

package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

class DataAndStalenessTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    private QueryClient client(EndpointOptions options) {
        return QueryClient.builder().scheduler(clock.scheduler).endpoint("items", fetcher, options).build();
    }

    @Test
    void setDataUpsertsAsFreshDataAndRecomputesTags() {
        fetcher.tags = (a, r) -> Set.of(Tag.of("Item", r));
        try (QueryClient client = client(EndpointOptions.none())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.setData("a", "written");
            assertThat(items.query("a").block()).isEqualTo("written");
            assertThat(fetcher.calls).hasValue(0);
            assertThat(items.state("a").tags()).containsExactly(Tag.of("Item", "written"));
            items.setData("a", "again");
            assertThat(items.query("a").block()).isEqualTo("again");
        }
    }

    @Test
    void updateDataReplacesDataAndIsFalseWithoutData() {
        try (QueryClient client = client(EndpointOptions.none())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            assertThat(items.updateData("a", v -> v + "!")).isFalse();
            assertThat(client.inspector().size()).isZero();
            items.query("a").block();
            assertThat(items.updateData("a", v -> v + "!")).isTrue();
            assertThat(items.query("a").block()).isEqualTo("a#1!");
        }
    }

    @Test
    void watchIsASubscriptionForTheLifeOfTheFlux() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(5)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            List<QueryState<Object>> seen = new CopyOnWriteArrayList<>();
            Disposable watching = e.watch("a").subscribe(seen::add);
            assertThat(e.state("a").subscriberCount()).isEqualTo(1);
            // states arrive on the watcher's own worker
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).isLoading());
            slow.completeNext("v1");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> "v1".equals(seen.get(seen.size() - 1).data()));
            e.setData("a", "v2");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> "v2".equals(seen.get(seen.size() - 1).data()));
            clock.advance(Duration.ofMinutes(10));
            assertThat(e.state("a").data()).as("pinned while watched").isEqualTo("v2");

            watching.dispose();
            assertThat(e.state("a").subscriberCount()).isZero();
            clock.advance(Duration.ofSeconds(5));
            assertThat(client.inspector().size()).isZero();
        }
    }

    @Test
    void staleTimeMakesTheNextQueryFetch() {
        try (QueryClient client = client(EndpointOptions.builder().staleTime(Duration.ofSeconds(10)).build())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advanceMillis(9_999);
            assertThat(items.state("a").isStale()).isFalse();
            assertThat(items.query("a").block()).isEqualTo("a#1");
            clock.advanceMillis(1);
            assertThat(items.state("a").isStale()).isTrue();
            assertThat(items.query("a").block()).isEqualTo("a#2");
        }
    }

    @Test
    void staleWhileRevalidateAnswersStaleDataAtOnceAndRefetchesInTheBackground() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).endpoint("slow", slow,
                EndpointOptions.builder().staleTime(Duration.ofSeconds(1)).staleWhileRevalidate(true).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            Mono<Object> first = Started.now(e.query("a"));
            slow.completeNext("v1");
            assertThat(first.block()).isEqualTo("v1");
            clock.advance(Duration.ofSeconds(2));
            assertThat(e.query("a").block()).isEqualTo("v1");
            assertThat(e.query("a").block()).isEqualTo("v1");
            assertThat(slow.calls).as("one background refetch, deduplicated").hasValue(2);
            slow.completeNext("v2");
            assertThat(e.query("a").block()).isEqualTo("v2");
        }
    }

    @Test
    void neverStaleByDefault() {
        try (QueryClient client = client(EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advance(Duration.ofDays(365));
            assertThat(items.query("a").block()).isEqualTo("a#1");
            assertThat(items.state("a").isStale()).isFalse();
        }
    }

    @Test
    void refetchIfOlderThanRefetchesOnSubscribeWhenTheDataIsOldEnough() {
        try (QueryClient client = client(EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advanceMillis(4_999);
            items.subscribe("a", SubscribeOptions.refetchIfOlderThan(Duration.ofSeconds(5))).close();
            assertThat(fetcher.callsFor("a")).isEqualTo(1);
            clock.advanceMillis(1);
            items.subscribe("a", SubscribeOptions.refetchIfOlderThan(Duration.ofSeconds(5))).close();
            assertThat(fetcher.callsFor("a")).isEqualTo(2);
            items.subscribe("a").close();
            assertThat(fetcher.callsFor("a")).as("no age check without the option").isEqualTo(2);
        }
    }

    @Test
    void subscriptionResultAndRefetch() {
        try (QueryClient client = client(EndpointOptions.none())) {
            Endpoint<Object, Object> items = client.endpoint("items");
            QuerySubscription<Object> sub = items.subscribe("a");
            assertThat(sub.result().block()).isEqualTo("a#1");
            assertThat(sub.refetch().block()).isEqualTo("a#2");
            assertThat(sub.state().data()).isEqualTo("a#2");
            sub.unsubscribe();
            sub.unsubscribe();
            assertThat(items.state("a").subscriberCount()).isZero();
        }
    }

    @Test
    void awaitRunningQueriesCompletesWhenEveryFetchRunningAtCallTimeHasSettled() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            e.prefetch("a");
            e.prefetch("b");
            Mono<Void> all = client.awaitRunningQueries();
            Disposable d = all.subscribe();
            slow.completeNext("A");
            assertThat(d.isDisposed()).isFalse();
            slow.failNext(new IllegalStateException("ignored"));
            assertThat(all.block(Duration.ofSeconds(30))).isNull();
            assertThat(client.awaitRunningQueries().block(Duration.ofSeconds(30))).isNull();
        }
    }
}

package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

class HydrationResetStatsEventsTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    private QueryClient client() {
        return QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(30)).build())
                .build();
    }

    @Test
    void hydrateKeepsNoEntryOfAScopedEndpointForItHasNoOwner() {
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("mine", new CountingFetcher(), EndpointOptions.builder().scope(QueryScope.PRINCIPAL).build())
                .endpoint("perRequest", new CountingFetcher(), EndpointOptions.builder().scope(QueryScope.REQUEST).build())
                .endpoint("items", fetcher, EndpointOptions.none())
                .build()) {
            Instant at = Instant.ofEpochMilli(clock.scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS));
            client.hydrate(new DehydratedState(List.of(
                    new DehydratedState.DehydratedQuery("mine", "team", "someone's team", at, Set.of(), false),
                    new DehydratedState.DehydratedQuery("perRequest", "n", "nonce", at, Set.of(), false),
                    new DehydratedState.DehydratedQuery("items", "a", "A", at, Set.of(), false))));
            assertThat(client.inspector().size()).as("only the shared entry is kept").isEqualTo(1);
            assertThat(client.endpoint("items").state("a").data()).isEqualTo("A");
            assertThat(client.entries()).extracting(QueryState::endpoint).containsExactly("items");
        }
    }

    @Test
    void dehydrateCarriesSuccessfulEntriesOnly() {
        QueryFetcher<String, String> failing = arg -> Mono.error(new IllegalStateException("no"));
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.none())
                .endpoint("failing", failing, EndpointOptions.none()).build()) {
            fetcher.tags = (a, r) -> Set.of(Tag.of("Item", a));
            client.endpoint("items").query("a").block();
            client.endpoint("failing").query("x").onErrorResume(e -> Mono.empty()).block();
            DehydratedState state = client.dehydrate();
            assertThat(state.queries()).hasSize(1);
            DehydratedState.DehydratedQuery q = state.queries().get(0);
            assertThat(q.endpoint()).isEqualTo("items");
            assertThat(q.arg()).isEqualTo("a");
            assertThat(q.data()).isEqualTo("a#1");
            assertThat(q.tags()).containsExactly(Tag.of("Item", "a"));
            assertThat(q.infinite()).isFalse();
        }
    }

    @Test
    void hydrateAddsEntriesThatStartUnusedAndNeverOverwritesNewerData() {
        DehydratedState state;
        try (QueryClient server = client()) {
            server.endpoint("items").query("a").block();
            server.endpoint("items").query("b").block();
            state = server.dehydrate();
        }
        try (QueryClient browser = client()) {
            Endpoint<Object, Object> items = browser.endpoint("items");
            clock.advanceMillis(10);
            items.setData("b", "newer");
            browser.hydrate(state);
            assertThat(items.query("a").block()).isEqualTo("a#1");
            assertThat(items.state("b").data()).isEqualTo("newer");
            assertThat(items.state("a").subscriberCount()).isZero();
            clock.advance(Duration.ofSeconds(30));
            assertThat(items.state("a").status()).as("hydrated entries start unused").isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    @Test
    void hydrateReplacesOlderDataAndSkipsUnknownEndpoints() {
        try (QueryClient client = client()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.setData("a", "old");
            Instant later = Instant.ofEpochMilli(clock.scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS) + 1000);
            client.hydrate(new DehydratedState(List.of(
                    new DehydratedState.DehydratedQuery("items", "a", "from-server", later, Set.of(), false),
                    new DehydratedState.DehydratedQuery("gone", "a", "x", later, Set.of(), false))));
            assertThat(items.state("a").data()).isEqualTo("from-server");
            assertThat(client.inspector().size()).isEqualTo(1);
        }
    }

    @Test
    void resetApiStateDropsEntriesAbortsFetchesAndStopsPollingAndTimers() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.none())
                .endpoint("items", fetcher, EndpointOptions.none()).build()) {
            Mono<Object> running = Started.now(client.endpoint("slow").query("a"));
            QuerySubscription<Object> polling = client.endpoint("items")
                    .subscribe("p", SubscribeOptions.pollingInterval(Duration.ofSeconds(1)));
            client.endpoint("items").query("q").block();
            int before = fetcher.calls.get();

            client.resetApiState();

            assertThat(client.inspector().size()).isZero();
            assertThat(client.entries()).isEmpty();
            assertThatThrownBy(running::block).isInstanceOf(QueryAbortedException.class);
            clock.advance(Duration.ofMinutes(5));
            assertThat(fetcher.calls).hasValue(before);
            assertThat(client.awaitRunningQueries().block(Duration.ofSeconds(1))).isNull();
            slow.completeNext("late");
            assertThat(client.inspector().size()).as("a late result of an aborted fetch is dropped").isZero();
            polling.unsubscribe();
            assertThat(client.endpoint("items").query("q").block()).isEqualTo("q#2");
        }
    }

    @Test
    void statsCountHitsMissesDedupsFetchesEvictionsAndErrors() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(1)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            Mono<Object> a = Started.now(e.query("a"));
            Started.now(e.query("a"));
            slow.completeNext("A");
            a.block();
            e.query("a").block();
            Started.now(e.query("b"));
            slow.failNext(new IllegalStateException("x"));
            clock.advance(Duration.ofSeconds(1));
            assertThat(client.stats()).isEqualTo(new QueryCacheStats(1, 2, 2, 1, 2, 1));
            assertThat(client.inspector().stats("slow")).isEqualTo(client.stats());
        }
    }

    @Test
    void eventsReportTheLifeOfAnEntry() {
        try (QueryClient client = client()) {
            List<QueryCacheEvent.Type> types = new CopyOnWriteArrayList<>();
            Disposable d = client.events().subscribe(ev -> types.add(ev.type()));
            Endpoint<Object, Object> items = client.endpoint("items");
            QuerySubscription<Object> sub = items.subscribe("a");
            sub.unsubscribe();
            clock.advance(Duration.ofSeconds(30));
            // events reach listeners on a worker of their own, never on the thread that changed the entry
            await().atMost(Duration.ofSeconds(30)).until(() -> types.size() >= 7);
            d.dispose();
            assertThat(types).containsExactly(
                    QueryCacheEvent.Type.ADDED,
                    QueryCacheEvent.Type.SUBSCRIBER_ADDED,
                    QueryCacheEvent.Type.FETCH_STARTED,
                    QueryCacheEvent.Type.UPDATED,
                    QueryCacheEvent.Type.FETCH_SETTLED,
                    QueryCacheEvent.Type.SUBSCRIBER_REMOVED,
                    QueryCacheEvent.Type.REMOVED);
        }
    }

    @Test
    void eventsCompleteOnClose() {
        QueryClient client = client();
        List<QueryCacheEvent> seen = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
        client.events().subscribe(seen::add, e -> { }, () -> completed.set(true));
        client.close();
        await().atMost(Duration.ofSeconds(30)).untilTrue(completed);
    }
}

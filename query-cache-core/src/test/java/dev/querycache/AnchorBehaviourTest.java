package dev.querycache;

import dev.querycache.spi.FetchObserver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Behaviour where query-cache used to differ from its anchors (RTK Query, TanStack Query); each test is
 * named after the anchor's own test case and states the anchor's rule.
 */
class AnchorBehaviourTest {

    private final VirtualClock clock = new VirtualClock();
    private final ControlledFetcher fetcher = new ControlledFetcher();

    @QueryEndpoint(name = "session", tags = "Session")
    static final class SessionFetcher extends ControlledFetcher {
    }

    private QueryClient client(QueryFetcher<String, String> f) {
        return QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", f, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(60)).build())
                .build();
    }

    // ----------------------------------------------------------------- TanStack queryClient.test, hydration.test

    @Test
    void setQueryDataShouldNotSetIsFetchingToFalse() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            Mono<Object> running = items.query("a").cache();
            running.subscribe();
            items.setData("a", "written");
            assertThat(items.state("a").isFetching()).isTrue();
            assertThat(items.state("a").data()).isEqualTo("written");
            assertThat(items.updateData("a", d -> d + "+updated")).isTrue();
            assertThat(items.state("a").isFetching()).isTrue();
            fetcher.completeNext("fetched");
            assertThat(items.state("a").isFetching()).isFalse();
            assertThat(items.state("a").data()).as("the fetch's result lands afterwards").isEqualTo("fetched");
            assertThat(running.block()).isEqualTo("fetched");
        }
    }

    @Test
    void hydrationShouldNotChangeFetchStatus() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").subscribe();
            client.hydrate(new DehydratedState(List.of(new DehydratedState.DehydratedQuery("items", "a", "from-server",
                    Instant.ofEpochMilli(clock.scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS)), Set.of(),
                    false))));
            assertThat(items.state("a").data()).isEqualTo("from-server");
            assertThat(items.state("a").isFetching()).isTrue();
            fetcher.completeNext("fetched");
            assertThat(items.state("a").isFetching()).isFalse();
        }
    }

    // ----------------------------------------------------------------- RTK buildHooks.test, invalidationByTags

    @Test
    void aFailedSessionCheckRefiresAfterLoginInvalidatesIt() {
        SessionFetcher session = new SessionFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).endpoint(session).build()) {
            Endpoint<Object, Object> e = client.endpoint("session");
            QuerySubscription<Object> sub = e.subscribe("me");
            session.failNext(new IllegalStateException("401"));
            assertThat(e.state("me").status()).isEqualTo(QueryStatus.ERROR);
            assertThat(e.state("me").tags()).as("the endpoint's tag types are provided whatever the status")
                    .containsExactly(Tag.of("Session"));
            client.invalidateTags(Tag.of("Session"));   // the login mutation
            assertThat(session.calls.get()).isEqualTo(2);
            session.completeNext("ash");
            assertThat(sub.state().data()).isEqualTo("ash");

            e.query("other").onErrorResume(x -> Mono.empty()).subscribe();
            session.failNext(new IllegalStateException("401"));
            assertThat(e.state("other").status()).isEqualTo(QueryStatus.ERROR);
            client.invalidateTags(Tag.of("Session"));
            session.completeNext("ash again");
            assertThat(client.entries()).extracting(QueryState::arg).as("an unused failed entry is removed")
                    .containsExactly("me");
            sub.unsubscribe();
        }
    }

    @Test
    void pendingInvalidationsApplyWhenTheQueryIsRejected() {
        fetcher.tags = (a, r) -> Set.of(Tag.of("Item", a));
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            QuerySubscription<Object> sub = items.subscribe("a");
            fetcher.completeNext("a1");
            sub.refetch().onErrorResume(x -> Mono.empty()).subscribe();
            client.invalidateTags(Tag.of("Item", "a"));
            fetcher.failNext(new IllegalStateException("boom"));
            assertThat(fetcher.calls.get()).as("the invalidation that arrived during the failed fetch refetches")
                    .isEqualTo(3);
            fetcher.completeNext("a2");
            assertThat(sub.state().data()).isEqualTo("a2");
            assertThat(sub.state().isStale()).isFalse();
            sub.unsubscribe();

            // unused: the delayed invalidation removes the entry once the failed fetch settles
            items.query("b").onErrorResume(x -> Mono.empty()).subscribe();
            items.invalidate("b");
            fetcher.failNext(new IllegalStateException("boom"));
            assertThat(items.state("b").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    // ----------------------------------------------------------------- TanStack infiniteQueryBehavior

    private final FakeUpstream upstream = new FakeUpstream(30);

    private InfiniteEndpoint<String, Integer, List<String>> pages(QueryClient client) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        InfiniteEndpoint<String, Integer, List<String>> e = (InfiniteEndpoint) client.infiniteEndpoint("pages");
        return e;
    }

    private QueryClient infiniteClient() {
        return QueryClient.builder().scheduler(clock.scheduler)
                .infiniteEndpoint("pages", new InfiniteQueryTest.Pages(upstream), EndpointOptions.none()).build();
    }

    @Test
    void refetchWithPagesUsesPagesOverOldPagesLength() {
        try (QueryClient client = infiniteClient()) {
            var e = pages(client);
            e.prefetch("a", PrefetchOptions.pages(5));
            assertThat(e.state("a").data().pages()).hasSize(5);
            upstream.requests.clear();
            e.prefetch("a", PrefetchOptions.force().withPages(2));
            assertThat(upstream.requests).containsExactly("a/1", "a/2");
            assertThat(e.state("a").data().pageParams()).containsExactly(1, 2);
            upstream.requests.clear();
            e.prefetch("a", PrefetchOptions.force());
            assertThat(upstream.requests).as("without pages: as many as are cached").containsExactly("a/1", "a/2");
        }
    }

    @Test
    void aPageFetchedAfterAnAbortedInvalidatedRefetchDoesNotMakeOldPagesFresh() {
        try (QueryClient client = infiniteClient()) {
            var e = pages(client);
            e.query("a").block();
            upstream.hold = true;
            e.refetch("a").onErrorResume(x -> Mono.empty()).subscribe();
            e.invalidate("a");
            e.abort("a");
            assertThat(e.state("a").isStale()).as("abort keeps the invalidation").isTrue();
            upstream.release();
            e.fetchNextPage("a").block();
            InfiniteQueryState<List<String>, Integer> s = e.state("a");
            assertThat(s.status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(s.data().pageParams()).containsExactly(1, 2);
            assertThat(s.isStale()).as("page 1 was fetched before the invalidation").isTrue();
            upstream.requests.clear();
            e.query("a").block();
            assertThat(upstream.requests).as("so query is no hit: it refetches every page")
                    .containsExactly("a/1", "a/2");
            assertThat(e.state("a").isStale()).isFalse();
        }
    }

    @Test
    void aPageFetchAfterAFailedInvalidatedRefetchBecomesAFullRefetch() {
        try (QueryClient client = infiniteClient()) {
            var e = pages(client);
            QuerySubscription<InfiniteData<List<String>, Integer>> sub = e.subscribe("a");
            upstream.failWhen = r -> r.equals("a/1");
            e.refetch("a").onErrorResume(x -> Mono.empty()).subscribe();
            upstream.failWhen = r -> false;
            upstream.hold = true;
            e.invalidate("a");   // nothing in flight any more (the refetch failed at once): refetches now
            upstream.release();
            upstream.hold = false;
            assertThat(e.state("a").isStale()).isFalse();

            // invalidation during a refetch that then fails: the subscribed entry is fetched again in full
            upstream.hold = true;
            e.refetch("a").onErrorResume(x -> Mono.empty()).subscribe();
            e.invalidate("a");
            upstream.failWhen = r -> true;
            upstream.release();
            upstream.failWhen = r -> false;
            e.fetchNextPage("a").block();
            InfiniteQueryState<List<String>, Integer> s = e.state("a");
            assertThat(s.isStale()).isTrue();
            upstream.requests.clear();
            e.query("a").block();
            assertThat(upstream.requests).startsWith("a/1");
            assertThat(e.state("a").isStale()).isFalse();
            sub.unsubscribe();
        }
    }

    // ----------------------------------------------------------------- one rule for abort and reset

    @Test
    void abortAndResetApiStateSettleTheFetchTheSameWay() {
        List<FetchObserver.Outcome> outcomes = new CopyOnWriteArrayList<>();
        List<QueryCacheEvent.Type> events = new CopyOnWriteArrayList<>();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .fetchObserver((endpoint, took, outcome) -> outcomes.add(outcome))
                .infiniteEndpoint("pages", new InfiniteQueryTest.Pages(upstream), EndpointOptions.none()).build()) {
            Disposable d = client.events().subscribe(ev -> events.add(ev.type()));
            var e = pages(client);
            upstream.hold = true;
            Mono<Object> aborted = e.query("a").<Object>map(x -> x)
                    .onErrorResume(QueryAbortedException.class, x -> Mono.just("aborted")).cache();
            aborted.subscribe();
            e.abort("a");
            Mono<Object> reset = e.query("b").<Object>map(x -> x)
                    .onErrorResume(QueryAbortedException.class, x -> Mono.just("aborted")).cache();
            reset.subscribe();
            client.resetApiState();
            assertThat(aborted.block()).isEqualTo("aborted");
            assertThat(reset.block()).isEqualTo("aborted");
            assertThat(outcomes).containsExactly(FetchObserver.Outcome.ABORTED, FetchObserver.Outcome.ABORTED);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> events.stream().filter(t -> t == QueryCacheEvent.Type.FETCH_SETTLED).count() == 2);
            d.dispose();
        }
    }
}

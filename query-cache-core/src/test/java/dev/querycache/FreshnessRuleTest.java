package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The one freshness rule (CONTRACT amendment 2026-11-30): {@code isStale()} is true exactly when
 * {@code query(arg)} would start a fetch. Each case checks both sides: the flag, then whether a query fetched.
 */
class FreshnessRuleTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    private QueryClient client() {
        fetcher.tags = (a, r) -> Set.of(Tag.of("Item", a));
        return QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.builder().staleTime(Duration.ofSeconds(10))
                        .keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build();
    }

    /** Whether a query now fetches: it is stale exactly then. */
    private boolean queryFetches(Endpoint<Object, Object> e, String arg) {
        int before = fetcher.calls.get();
        e.query(arg).onErrorResume(x -> Mono.empty()).block(Duration.ofSeconds(10));
        return fetcher.calls.get() > before;
    }

    @Test
    void noDataIsStale() {
        try (QueryClient client = client()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            assertThat(e.state("a").isStale()).isTrue();
            assertThat(queryFetches(e, "a")).isTrue();
            assertThat(e.state("a").isStale()).isFalse();
            assertThat(queryFetches(e, "a")).isFalse();
        }
    }

    @Test
    void olderThanStaleTimeIsStale() {
        try (QueryClient client = client()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            e.query("a").block();
            clock.advanceMillis(9_999);
            assertThat(e.state("a").isStale()).isFalse();
            assertThat(queryFetches(e, "a")).isFalse();
            clock.advanceMillis(1);
            assertThat(e.state("a").isStale()).isTrue();
            assertThat(queryFetches(e, "a")).isTrue();
        }
    }

    @Test
    void aFailedRefetchOfFreshDataKeepsTheDataAndLeavesTheEntryStale() {
        try (QueryClient client = client()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            e.query("a").block();
            fetcher.failNext = true;
            e.refetch("a").onErrorResume(x -> Mono.empty()).block(Duration.ofSeconds(10));
            QueryState<Object> s = e.state("a");
            assertThat(s.data()).as("the data is kept").isEqualTo("a#1");
            assertThat(s.status()).isEqualTo(QueryStatus.ERROR);
            assertThat(s.isStale()).as("stale, though younger than staleTime").isTrue();
            assertThat(queryFetches(e, "a")).as("and the next query fetches").isTrue();
            assertThat(e.state("a").isStale()).isFalse();
        }
    }

    @Test
    void aSubscribedEntryIsStaleBetweenItsInvalidationAndItsSuccessfulRefetch() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().staleTime(Duration.ofMinutes(10)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            QuerySubscription<Object> sub = e.subscribe("k");
            slow.completeNext("K1");
            assertThat(e.state("k").isStale()).isFalse();
            e.invalidate("k");   // subscribed: refetched, which is still running
            assertThat(e.state("k").isFetching()).isTrue();
            assertThat(e.state("k").isStale()).as("invalidated, refetch running").isTrue();
            slow.completeNext("K2");
            assertThat(e.state("k").data()).isEqualTo("K2");
            assertThat(e.state("k").isStale()).as("after the successful refetch").isFalse();
            sub.close();
        }
    }

    @Test
    void anInvalidatedUnsubscribedEntryIsGoneAndSoStale() {
        try (QueryClient client = client()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            e.query("a").block();
            client.invalidateTags(Tag.of("Item", "a"));
            assertThat(e.state("a").isStale()).isTrue();
            assertThat(queryFetches(e, "a")).isTrue();
        }
    }
}

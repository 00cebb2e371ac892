package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrefetchTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();
    private final QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
            .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
            .build();
    private final Endpoint<Object, Object> items = client.endpoint("items");

    @Test
    void withoutOptionsItFetchesOnlyWhenNothingIsCached() {
        items.prefetch("a");
        assertThat(items.state("a").data()).isEqualTo("a#1");
        items.prefetch("a");
        clock.advance(Duration.ofHours(1));
        items.prefetch("a");
        assertThat(fetcher.callsFor("a")).isEqualTo(1);
    }

    @Test
    void ifOlderThanFetchesWhenTheAgeReachesTheGivenDuration() {
        items.prefetch("a");
        clock.advanceMillis(9_999);
        items.prefetch("a", PrefetchOptions.ifOlderThan(Duration.ofSeconds(10)));
        assertThat(fetcher.callsFor("a")).isEqualTo(1);
        clock.advanceMillis(1);
        items.prefetch("a", PrefetchOptions.ifOlderThan(Duration.ofSeconds(10)));
        assertThat(fetcher.callsFor("a")).isEqualTo(2);
        assertThat(items.state("a").data()).isEqualTo("a#2");
    }

    @Test
    void ifOlderThanFetchesWhenNothingIsCached() {
        items.prefetch("b", PrefetchOptions.ifOlderThan(Duration.ofDays(1)));
        assertThat(fetcher.callsFor("b")).isEqualTo(1);
    }

    @Test
    void forceAlwaysFetches() {
        items.prefetch("a");
        items.prefetch("a", PrefetchOptions.force());
        items.prefetch("a", PrefetchOptions.force());
        assertThat(fetcher.callsFor("a")).isEqualTo(3);
    }

    @Test
    void aFetchInFlightIsNeverDuplicatedForcedOrNot() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient c = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> e = c.endpoint("slow");
            e.prefetch("a");
            e.prefetch("a");
            e.prefetch("a", PrefetchOptions.force());
            e.prefetch("a", PrefetchOptions.ifOlderThan(Duration.ZERO));
            var pending = e.query("a");
            assertThat(slow.calls).hasValue(1);
            slow.completeNext("A");
            assertThat(pending.block()).isEqualTo("A");
        }
    }

    @Test
    void prefetchCreatesNoSubscription() {
        items.prefetch("a");
        assertThat(items.state("a").subscriberCount()).isZero();
        assertThat(client.inspector().subscriptionCount()).isZero();
    }

    @Test
    void aPrefetchedEntryIsRemovedAfterKeepUnusedDataFor() {
        try (QueryClient c = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(5)).build())
                .build()) {
            Endpoint<Object, Object> e = c.endpoint("items");
            e.prefetch("z");
            clock.advanceMillis(4_999);
            assertThat(e.state("z").data()).isEqualTo("z#1");
            clock.advanceMillis(1);
            assertThat(e.state("z").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }
}

package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepUnusedDataForTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    private QueryClient client(Duration keep) {
        return QueryClient.builder()
                .scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(keep).build())
                .build();
    }

    @Test
    void anUnusedEntryStaysJustBelowTheBoundaryAndGoesJustAbove() {
        try (QueryClient client = client(Duration.ofSeconds(10))) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();

            clock.advanceAndCleanUp(client, Duration.ofMillis(9_999));
            assertThat(items.state("a").status()).isEqualTo(QueryStatus.SUCCESS);

            clock.advanceAndCleanUp(client, Duration.ofMillis(2));
            assertThat(items.state("a").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(client.inspector().size()).isZero();
            assertThat(client.stats().evictionCount()).isEqualTo(1);
        }
    }

    @Test
    void removalIsAlsoTriggeredByTheCachesOwnTimerWithoutAnyAccess() {
        try (QueryClient client = client(Duration.ofSeconds(10))) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advance(Duration.ofSeconds(15));
            assertThat(client.inspector().size()).isZero();
        }
    }

    @Test
    void theTimerStartsWhenTheLastSubscriberLeaves() {
        try (QueryClient client = client(Duration.ofSeconds(10))) {
            Endpoint<Object, Object> items = client.endpoint("items");
            QuerySubscription<Object> sub = items.subscribe("a");
            clock.advanceAndCleanUp(client, Duration.ofMinutes(30));
            assertThat(items.state("a").data()).isEqualTo("a#1");

            sub.unsubscribe();
            clock.advanceAndCleanUp(client, Duration.ofMillis(9_999));
            assertThat(items.state("a").data()).isEqualTo("a#1");
            clock.advanceAndCleanUp(client, Duration.ofMillis(2));
            assertThat(items.state("a").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    @Test
    void aNewSubscriberCancelsThePendingRemoval() {
        try (QueryClient client = client(Duration.ofSeconds(10))) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advanceAndCleanUp(client, Duration.ofSeconds(9));
            QuerySubscription<Object> sub = items.subscribe("a");
            clock.advanceAndCleanUp(client, Duration.ofMinutes(5));
            assertThat(items.state("a").data()).isEqualTo("a#1");
            assertThat(fetcher.calls).hasValue(1);
            sub.close();
            clock.advanceAndCleanUp(client, Duration.ofSeconds(11));
            assertThat(client.inspector().size()).isZero();
        }
    }

    @Test
    void zeroRemovesAtOnce() {
        try (QueryClient client = client(Duration.ZERO)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            assertThat(items.query("a").block()).isEqualTo("a#1");
            assertThat(client.inspector().size()).isZero();
            QuerySubscription<Object> sub = items.subscribe("b");
            assertThat(client.inspector().size()).isEqualTo(1);
            sub.unsubscribe();
            assertThat(client.inspector().size()).isZero();
        }
    }

    @Test
    void neverKeepsUnusedEntries() {
        try (QueryClient client = client(EndpointOptions.NEVER)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            clock.advanceAndCleanUp(client, Duration.ofDays(3650));
            assertThat(items.state("a").data()).isEqualTo("a#1");
        }
    }

    @Test
    void anEntryIsNotRemovedWhileItsFetchRuns() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(1)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            e.prefetch("a");
            clock.advanceAndCleanUp(client, Duration.ofSeconds(20)); // below the 30s default fetchTimeout
            assertThat(e.state("a").isFetching()).isTrue();
            slow.completeNext("A");
            clock.advanceAndCleanUp(client, Duration.ofMillis(999));
            assertThat(e.state("a").data()).isEqualTo("A");
            clock.advanceAndCleanUp(client, Duration.ofMillis(2));
            assertThat(client.inspector().size()).isZero();
        }
    }

    @Test
    void subscribedEntriesAreNeverEvictedByMaximumSize() {
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).maximumSize(2)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            for (int i = 0; i < 5; i++) {
                items.subscribe("pinned" + i);
            }
            for (int i = 0; i < 10; i++) {
                items.query("unused" + i).block();
            }
            ((DefaultQueryClient) client).cleanUp();
            long pinned = client.entries().stream().filter(s -> s.subscriberCount() > 0).count();
            long unused = client.entries().stream().filter(s -> s.subscriberCount() == 0).count();
            assertThat(pinned).isEqualTo(5);
            assertThat(unused).isEqualTo(2);
            for (int i = 0; i < 5; i++) {
                assertThat(items.state("pinned" + i).data()).isEqualTo("pinned" + i + "#1");
            }
            assertThat(client.stats().evictionCount()).isEqualTo(8);
        }
    }

    /** Store × eviction × tags × events: an entry evicted by size leaves the tag index and is announced once. */
    @Test
    void anEntryEvictedBySizeLeavesTheTagIndexAndIsAnnouncedAsRemoved() {
        fetcher.tags = (a, r) -> java.util.Set.of(Tag.of("Item", a));
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).maximumSize(2)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            reactor.core.publisher.Mono<java.util.List<QueryCacheEvent>> removed = client.events()
                    .filter(e -> e.type() == QueryCacheEvent.Type.REMOVED)
                    .take(java.time.Duration.ofSeconds(5)).collectList();
            java.util.concurrent.CompletableFuture<java.util.List<QueryCacheEvent>> removedSoFar = removed.toFuture();
            for (int i = 0; i < 10; i++) {
                items.query("k" + i).block();
            }
            ((DefaultQueryClient) client).cleanUp();
            java.util.List<Object> live = client.entries().stream().map(QueryState::arg).toList();
            assertThat(live).hasSize(2);
            assertThat(client.stats().evictionCount()).isEqualTo(8);

            // a tag invalidation reaches the live entries only: the evicted ones left the index
            java.util.concurrent.CompletableFuture<java.util.List<QueryState<?>>> invalidated = client.inspector()
                    .invalidations().take(java.time.Duration.ofSeconds(5)).collectList().toFuture();
            client.invalidateTags(Tag.of("Item"));
            assertThat(invalidated.join()).extracting(QueryState::arg).containsExactlyInAnyOrderElementsOf(live);
            assertThat(removedSoFar.join()).hasSize(8 + 2)   // eight evicted, then the two live ones invalidated (unused: removed)
                    .extracting(e -> e.state().arg()).doesNotHaveDuplicates();
        }
    }
}

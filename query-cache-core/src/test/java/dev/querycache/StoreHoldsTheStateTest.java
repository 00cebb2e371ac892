package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The store's value for a key is its entry's current state, after every kind of change: the hit path reads
 * that value alone ({@link EntryStore#read}), so a change that left an older state in the store would be
 * served (an invalidated or replaced value answered as fresh).
 */
class StoreHoldsTheStateTest {

    private final ControlledFetcher fetcher = new ControlledFetcher();

    @SuppressWarnings("unchecked")
    private static void assertStoreHoldsTheState(Endpoint<String, String> endpoint, String arg, String after) {
        EndpointRuntime runtime = ((DefaultEndpoint<String, String>) endpoint).runtime;
        CacheEntry entry = EntryStore.peek(runtime, arg);
        assertThat(entry).as("an entry after %s", after).isNotNull();
        assertThat(EntryStore.read(runtime, arg)).as("the store's value after %s", after).isSameAs(entry.state());
        assertThat(entry.state().entry).as("the state leads to its entry after %s", after).isSameAs(entry);
    }

    private QueryClient client() {
        return QueryClient.builder()
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Endpoint<String, String> items(QueryClient client) {
        return (Endpoint) client.endpoint("items");
    }

    @Test
    void everyKindOfChangeLeavesTheEntrysStateInTheStore() {
        try (QueryClient client = client()) {
            Endpoint<String, String> items = items(client);

            items.prefetch("a");
            assertStoreHoldsTheState(items, "a", "a fetch started");
            fetcher.completeNext("A1");
            assertStoreHoldsTheState(items, "a", "a fetch succeeded");
            assertThat(items.query("a").block(Duration.ofSeconds(5))).isEqualTo("A1");

            QuerySubscription<String> subscription = items.subscribe("a");
            assertStoreHoldsTheState(items, "a", "a subscription");

            items.invalidate("a");
            assertStoreHoldsTheState(items, "a", "an invalidation (the refetch started)");
            fetcher.failNext(new IllegalStateException("upstream down"));
            assertStoreHoldsTheState(items, "a", "a failed fetch");

            items.setData("a", "written");
            assertStoreHoldsTheState(items, "a", "a write");
            assertThat(items.query("a").block(Duration.ofSeconds(5))).isEqualTo("written");

            subscription.unsubscribe();
            assertStoreHoldsTheState(items, "a", "the last unsubscribe");

            items.invalidate("a");   // an unused entry: removed
            assertThat(EntryStore.read(((DefaultEndpoint<String, String>) items).runtime, "a"))
                    .as("the store's value after an invalidation removed the entry").isNull();
            Mono<String> next = items.query("a");
            next.subscribe();
            assertStoreHoldsTheState(items, "a", "a query after the removal (a new entry, fetching)");
            fetcher.completeNext("A2");
            assertThat(next.block(Duration.ofSeconds(5))).isEqualTo("A2");
            assertStoreHoldsTheState(items, "a", "the refetch");
        }
    }

    @Test
    void promotionFromProbationLeavesTheEntrysStateInTheStore() {
        try (QueryClient client = client()) {
            Endpoint<String, String> items = items(client);
            Admission.call((endpoint, principal, arg) -> true, () -> {
                items.prefetch("made-up");
                return null;
            });
            fetcher.completeNext("M");
            assertStoreHoldsTheState(items, "made-up", "a gated fetch");
            assertThat(EntryStore.read(((DefaultEndpoint<String, String>) items).runtime, "made-up").probation)
                    .as("created on probation").isTrue();

            assertThat(items.query("made-up").block(Duration.ofSeconds(5))).isEqualTo("M");   // the application's own read
            assertStoreHoldsTheState(items, "made-up", "a promotion");
            assertThat(EntryStore.read(((DefaultEndpoint<String, String>) items).runtime, "made-up").probation)
                    .as("promoted").isFalse();
        }
    }
}

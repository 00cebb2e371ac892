package dev.querycache;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.Invalidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Two clients on an in-memory bus: every kind of invalidation crosses over, nothing else does, nothing loops. */
class InvalidationBusTest {

    /** Delivers every published invalidation to every started receiver, synchronously; records what was sent. */
    static final class LocalBus implements InvalidationBus {
        final List<Consumer<Invalidation>> receivers = new CopyOnWriteArrayList<>();
        final List<Invalidation> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(Invalidation invalidation) {
            published.add(invalidation);
            receivers.forEach(r -> r.accept(invalidation));
        }

        @Override
        public void start(String instanceId, Consumer<Invalidation> receiver) {
            receivers.add(receiver);
        }
    }

    private final LocalBus bus = new LocalBus();
    private final CountingFetcher fetcherA = new CountingFetcher();
    private final CountingFetcher fetcherB = new CountingFetcher();

    {
        fetcherA.tags = (a, r) -> Set.of(Tag.of("Item", a));
        fetcherB.tags = (a, r) -> Set.of(Tag.of("Item", a));
    }

    private QueryClient client(CountingFetcher f) {
        return QueryClient.builder().invalidationBus(bus)
                .endpoint("items", f, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build()).build();
    }

    @Test
    void aTagInvalidatedOnARefetchesBsSubscribedEntryAndRemovesBsUnusedOne() {
        try (QueryClient a = client(fetcherA); QueryClient b = client(fetcherB)) {
            QuerySubscription<Object> sub = b.endpoint("items").subscribe("x");
            b.endpoint("items").query("y").block();
            a.invalidateTags(Tag.of("Item"));
            assertThat(fetcherB.callsFor("x")).isEqualTo(2);
            assertThat(b.endpoint("items").state("y").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(bus.published).as("B applied it without publishing it again").hasSize(1);
            assertThat(bus.published.get(0).origin()).isEqualTo(a.inspector().instanceId());
            sub.close();
        }
    }

    @Test
    void anInvalidationFromAnotherInstanceIsAnnouncedByInvalidationsLikeALocalOne() {
        try (QueryClient a = client(fetcherA); QueryClient b = client(fetcherB)) {
            java.util.List<String> onB = new java.util.concurrent.CopyOnWriteArrayList<>();
            reactor.core.Disposable listening = b.inspector().invalidations().subscribe(s -> onB.add(s.endpoint() + ":" + s.arg()));
            b.endpoint("items").query("x").block();
            b.endpoint("items").query("y").block();
            a.invalidateTags(Tag.of("Item", "x"));
            a.endpoint("items").invalidate("y");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> onB.size() >= 2);
            assertThat(onB).containsExactly("items:x", "items:y");
            listening.dispose();
        }
    }

    @Test
    void entryAndEndpointInvalidationsCrossOverAndSetDataDoesNot() {
        try (QueryClient a = client(fetcherA); QueryClient b = client(fetcherB)) {
            b.endpoint("items").query("x").block();
            b.endpoint("items").query("y").block();
            a.endpoint("items").setData("x", "written on A");
            assertThat(bus.published).isEmpty();
            assertThat(b.endpoint("items").state("x").data()).isEqualTo("x#1");

            a.endpoint("items").invalidate("x");
            assertThat(b.endpoint("items").state("x").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(b.endpoint("items").state("y").status()).isEqualTo(QueryStatus.SUCCESS);

            a.endpoint("items").invalidateAll();
            assertThat(b.endpoint("items").state("y").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(bus.published).extracting(Invalidation::kind)
                    .containsExactly(Invalidation.Kind.ENTRY, Invalidation.Kind.ENDPOINT);
        }
    }

    @Test
    void aClientIgnoresItsOwnMessages() {
        try (QueryClient a = client(fetcherA)) {
            QuerySubscription<Object> sub = a.endpoint("items").subscribe("x");
            a.invalidateTags(Tag.of("Item", "x"));
            assertThat(fetcherA.callsFor("x")).as("refetched once, by the local invalidation only").isEqualTo(2);
            sub.close();
        }
    }
}

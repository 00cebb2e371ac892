package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Entries created by untrusted traffic are admitted on probation and never evict the application's own. */
class AdmissionTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();
    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private final Admission.Gate yes = (endpoint, principal, arg) -> admitted.add(endpoint + "/" + principal + "/" + arg);
    private final Admission.Gate no = (endpoint, principal, arg) -> false;

    private QueryClient client(int maximumSize) {
        return QueryClient.builder().scheduler(clock.scheduler).maximumSize(maximumSize)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .endpoint("mine", new CountingFetcher(), EndpointOptions.builder().scope(QueryScope.PRINCIPAL)
                        .keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build();
    }

    private static void gatedPrefetch(Admission.Gate gate, Endpoint<Object, Object> e, String arg) {
        Admission.call(gate, () -> {
            e.prefetch(arg);
            return null;
        });
    }

    @Test
    void thousandsOfEntriesOnProbationEvictNoneOfTheApplicationsOwn() {
        try (QueryClient client = client(5)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 5; i++) {
                    items.query("hot" + i).block();
                }
            }
            for (int i = 0; i < 2_000; i++) {
                gatedPrefetch(yes, items, "made-up-" + i);
            }
            ((DefaultQueryClient) client).cleanUp();

            assertThat(client.stats().evictionCount()).as("nothing was evicted").isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(items.state("hot" + i).data()).isEqualTo("hot" + i + "#1");
            }
            assertThat(admitted).hasSize(2_000);
            assertThat(items.state("made-up-7").data()).as("the probation entry is served").isEqualTo("made-up-7#1");
        }
    }

    @Test
    void aRefusedCreationCreatesNothingAndAGatedQueryFailsClearly() {
        try (QueryClient client = client(5)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            gatedPrefetch(no, items, "x");
            assertThat(items.state("x").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThatThrownBy(() -> Admission.call(no, () -> items.query("x")).block())
                    .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("'items'");
            assertThat(fetcher.calls).hasValue(0);

            items.query("cached").block();
            assertThat(Admission.call(no, () -> items.query("cached")).block())
                    .as("an existing entry is no creation: the gate is not asked").isEqualTo("cached#1");
        }
    }

    @Test
    void theApplicationsOwnReadPromotesAGatedReadDoesNot() {
        try (QueryClient client = client(2)) {
            Endpoint<Object, Object> items = client.endpoint("items");
            gatedPrefetch(yes, items, "a");
            gatedPrefetch(yes, items, "b");
            assertThat(Admission.call(yes, () -> items.query("a")).block()).isEqualTo("a#1");
            assertThat(Admission.discard(client, "items", null, "a"))
                    .as("a gated read left it on probation").isEqualTo(Admission.Discarded.DISCARDED);
            assertThat(items.state("a").status()).isEqualTo(QueryStatus.UNINITIALIZED);

            assertThat(items.query("b").block()).isEqualTo("b#1");
            assertThat(Admission.discard(client, "items", null, "b"))
                    .as("the application's read promoted it").isEqualTo(Admission.Discarded.NOT_ON_PROBATION);

            // promoted, it weighs like any entry: maximumSize applies to it again
            for (int i = 0; i < 10; i++) {
                items.query("real" + i).block();
            }
            ((DefaultQueryClient) client).cleanUp();
            assertThat(client.inspector().size()).isEqualTo(2);
        }
    }

    /** A gate may count a gated read as real use (the starter: a second client reading a page's entry). */
    @Test
    void aGatedReadPromotesWhenTheGateSaysSoAndOnlyOnceTheDataWasFetched() {
        ControlledFetcher slow = new ControlledFetcher();
        List<String> asked = new CopyOnWriteArrayList<>();
        Admission.Gate promoting = new Admission.Gate() {
            @Override
            public boolean admit(String endpoint, String principal, Object arg) {
                return true;
            }

            @Override
            public boolean promotes(String endpoint, String principal, Object arg) {
                asked.add(endpoint + "/" + arg);
                return true;
            }
        };
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            gatedPrefetch(yes, e, "k");
            var joined = Admission.call(promoting, () -> e.query("k")).toFuture();
            assertThat(asked).as("joining the first fetch is no use of fetched data: the gate is not asked").isEmpty();
            slow.completeNext("K");
            assertThat(joined).isCompletedWithValue("K");
            assertThat(Admission.discard(client, "slow", null, "k")).isEqualTo(Admission.Discarded.DISCARDED);

            gatedPrefetch(yes, e, "j");
            slow.completeNext("J");
            assertThat(Admission.call(promoting, () -> e.query("j")).block()).isEqualTo("J");
            assertThat(asked).containsExactly("slow/j");
            assertThat(Admission.discard(client, "slow", null, "j")).as("promoted by the gate's say")
                    .isEqualTo(Admission.Discarded.NOT_ON_PROBATION);
        }
    }

    /** An entry whose fetch failed before it ever held data takes no room: it never displaces one with data. */
    @Test
    void failedFetchesOfNewKeysNeverDisplaceEntriesWithData() {
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).maximumSize(5)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(Duration.ofMinutes(1)).build())
                .build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            for (int i = 0; i < 5; i++) {
                items.query("hot" + i).block();
            }
            for (int i = 0; i < 500; i++) {
                fetcher.failNext = true;
                String key = "made-up-" + i;
                assertThatThrownBy(() -> items.query(key).block()).hasMessageContaining("boom");
            }
            ((DefaultQueryClient) client).cleanUp();
            assertThat(client.stats().evictionCount()).as("nothing was evicted").isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(items.state("hot" + i).data()).isEqualTo("hot" + i + "#1");
            }
            assertThat(items.state("made-up-499").status()).as("the failure is kept for keepUnusedDataFor")
                    .isEqualTo(QueryStatus.ERROR);
            clock.advance(Duration.ofMinutes(2));
            assertThat(items.state("made-up-499").status()).as("then removed").isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    @Test
    void anEntryInUseIsNeverDiscarded() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            gatedPrefetch(yes, e, "k");
            assertThat(Admission.discard(client, "slow", null, "k")).as("its fetch runs").isEqualTo(Admission.Discarded.IN_USE);
            slow.completeNext("K");
            assertThat(Admission.discard(client, "slow", null, "k")).isEqualTo(Admission.Discarded.DISCARDED);
            assertThat(Admission.discard(client, "slow", null, "k")).isEqualTo(Admission.Discarded.ABSENT);

            List<QueryCacheEvent.Type> events = new CopyOnWriteArrayList<>();
            var listening = client.events().subscribe(ev -> events.add(ev.type()));
            gatedPrefetch(yes, e, "j");
            slow.completeNext("J");
            QuerySubscription<Object> sub = e.subscribe("j");
            assertThat(Admission.discard(client, "slow", null, "j")).as("the subscribe promoted it")
                    .isEqualTo(Admission.Discarded.NOT_ON_PROBATION);
            sub.close();
            gatedPrefetch(yes, e, "i");
            slow.completeNext("I");
            assertThat(Admission.discard(client, "slow", null, "i")).isEqualTo(Admission.Discarded.DISCARDED);
            org.awaitility.Awaitility.await("a discard is announced as a removal (events arrive on their own worker)")
                    .atMost(Duration.ofSeconds(30)).until(() -> events.contains(QueryCacheEvent.Type.REMOVED));
            listening.dispose();
        }
    }

    @Test
    void aPrincipalEntryIsAdmittedUnderItsCallerThroughTheReactorContext() {
        try (QueryClient client = client(5)) {
            Endpoint<Object, Object> mine = client.endpoint("mine");
            Object data = mine.query("team")
                    .contextWrite(Admission.with(yes))
                    .contextWrite(QueryScopes.withPrincipal("ash"))
                    .block(Duration.ofSeconds(5));
            assertThat(data).isEqualTo("team#1");
            assertThat(admitted).containsExactly("mine/ash/team");
            assertThat(Admission.discard(client, "mine", "misty", "team")).isEqualTo(Admission.Discarded.ABSENT);
            assertThat(Admission.discard(client, "mine", "ash", "team")).isEqualTo(Admission.Discarded.DISCARDED);
            assertThatThrownBy(() -> mine.query("other").contextWrite(Admission.with(no))
                    .contextWrite(QueryScopes.withPrincipal("ash")).block(Duration.ofSeconds(5)))
                    .isInstanceOf(RejectedExecutionException.class);
            assertThat(Mono.just(1).contextWrite(Admission.with(no)).block()).isEqualTo(1);
        }
    }
}

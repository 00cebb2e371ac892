package dev.querycache.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.Admission;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The pool of entries HTTP created: room made from the heaviest client, refusal only when all are in use. */
class WebBudgetTest {

    /** A fetch that ends only when the test says so. */
    static final class Gated implements QueryFetcher<String, String> {
        final Sinks.Empty<Void> release = Sinks.empty();

        @Override
        public Mono<String> fetch(String arg) {
            return release.asMono().then(Mono.just(arg.toUpperCase()));
        }
    }

    private static void prefetchAs(WebBudget.RequestGate gate, QueryClient client, String arg) {
        Admission.call(gate, () -> {
            client.endpoint("items").prefetch(arg);
            return null;
        });
    }

    @Test
    void aFullPoolRefusesOnlyWhileEveryCandidateIsInUseAndThenTakesFromTheHeaviestClient() {
        Gated fetcher = new Gated();
        try (QueryClient client = QueryClient.builder()
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build();
             WebBudget budget = new WebBudget(client, 10, 50, 4, 3, System::nanoTime)) {
            for (int i = 0; i < 3; i++) {
                prefetchAs(budget.gate("addr:a"), client, "a" + i);
            }
            prefetchAs(budget.gate("addr:b"), client, "b0");
            WebBudget.RequestGate c = budget.gate("addr:c");
            prefetchAs(c, client, "c0");
            assertThat(c.refused()).as("every entry's fetch still runs: nothing can be dropped").isTrue();
            assertThat(budget.refusedEntries()).isEqualTo(1);
            assertThat(client.endpoint("items").state("c0").status()).isEqualTo(QueryStatus.UNINITIALIZED);

            fetcher.release.tryEmitEmpty();
            client.awaitRunningQueries().block(Duration.ofSeconds(10));
            WebBudget.RequestGate again = budget.gate("addr:c");
            prefetchAs(again, client, "c0");
            assertThat(again.refused()).isFalse();
            assertThat(client.endpoint("items").state("a0").status()).as("the heaviest client's oldest made room")
                    .isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(client.endpoint("items").state("b0").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(budget.discardedEntries()).isEqualTo(1);
        }
    }
}

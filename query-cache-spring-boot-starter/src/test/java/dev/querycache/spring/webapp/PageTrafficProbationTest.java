package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.Admission;
import dev.querycache.QueryClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Page views of made-up names do not displace hot entries (issue #34): the entry a page GET's route preload
 * creates is admitted on probation, and the page's own read, which joins that first fetch, no longer
 * promotes it. With {@code pokemon} capped at 40 entries and 40 hot ones, 200 views of made-up pages
 * evict none of them.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon",
                "query-cache.endpoints.pokemon.maximum-size=40",
                "query-cache.web.budget.per-client-rate=100000", "query-cache.web.budget.per-client-burst=100000",
                "query-cache.web.budget.max-new-entries-per-endpoint=100000",
                "query-cache.web.budget.max-new-entries-per-client=100000"})
class PageTrafficProbationTest {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    private void view(String path) {
        WebClient.create("http://localhost:" + port).get().uri(path)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(30));
    }

    @Test
    void aPageViewLeavesItsNewEntryOnProbationAndHotEntriesAreKept() {
        for (int round = 0; round < 3; round++) {   // 40 hot entries, each read by the application several times
            for (int i = 0; i < 40; i++) {
                client.endpoint("pokemon").query("hot" + i).block(Duration.ofSeconds(30));
            }
        }
        view("/pokemon/madeup-first");
        assertThat(client.endpoint("pokemon").state("madeup-first").data()).isNotNull();
        assertThat(Admission.discard(client, "pokemon", null, "madeup-first"))
                .as("the page's read joined the preload's fetch: still on probation")
                .isEqualTo(Admission.Discarded.DISCARDED);

        Flux.range(0, 200).flatMap(i -> Flux.defer(() -> {
            view("/pokemon/madeup-" + i);
            return Flux.empty();
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 8).blockLast(Duration.ofSeconds(120));

        for (int i = 0; i < 40; i++) {
            assertThat(client.endpoint("pokemon").state("hot" + i).data()).as("hot%d kept", i).isNotNull();
        }
    }
}

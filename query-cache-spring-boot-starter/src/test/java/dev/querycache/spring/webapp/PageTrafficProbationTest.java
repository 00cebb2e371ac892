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
        view(null, null, path);
    }

    /** A GET from {@code 127.0.0.<host>} (every 127/8 address is loopback), as {@code user} when not null. */
    private int view(Integer host, String user, String path) {
        WebClient.Builder b = WebClient.builder().baseUrl("http://localhost:" + port);
        if (host != null) {
            b.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                    reactor.netty.http.client.HttpClient.create()
                            .bindAddress(() -> new java.net.InetSocketAddress("127.0.0." + host, 0))));
        }
        WebClient.RequestHeadersSpec<?> get = b.build().get().uri(path);
        if (user != null) {
            get = get.header("X-User", user);
        }
        return get.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(30));
    }

    /** 40 entries, each read by the application three times (fetched in parallel: the upstream takes 400 ms). */
    private void makeFortyHotEntries() {
        for (int round = 0; round < 3; round++) {
            Flux.range(0, 40).flatMap(i -> client.endpoint("pokemon").query("hot" + i)).blockLast(Duration.ofSeconds(60));
        }
    }

    private Admission.Discarded discard(String name) {
        return Admission.discard(client, "pokemon", null, name);
    }

    /**
     * What the handler of an untrusted page (no signed-in caller) makes the cache create is on probation; a
     * trusted request's is an ordinary entry. A second client's view promotes an entry, the same client's
     * never does.
     */
    @Test
    void anUntrustedPagesHandlerCreatesOnProbationAndASecondClientPromotes() {
        assertThat(view(2, null, "/later/anon-one")).isEqualTo(200);
        assertThat(discard("anon-one")).as("created by an untrusted handler").isEqualTo(Admission.Discarded.DISCARDED);

        assertThat(view(2, "alice", "/later/trusted-one")).isEqualTo(200);
        assertThat(discard("trusted-one")).as("created by a trusted request").isEqualTo(Admission.Discarded.NOT_ON_PROBATION);

        view(2, null, "/later/popular");
        view(2, null, "/later/popular");
        assertThat(discard("popular")).as("the same client again: still on probation").isEqualTo(Admission.Discarded.DISCARDED);
        view(2, null, "/later/popular");
        view(3, null, "/later/popular");
        assertThat(discard("popular")).as("a second client promoted it").isEqualTo(Admission.Discarded.NOT_ON_PROBATION);
    }

    /**
     * The scenario: 40 hot entries on an endpoint capped at 40, then views of made-up names from 120
     * addresses, through route preloads ({@code /pokemon/{name}}) and through a handler with none
     * ({@code /later/{name}}): every hot entry is kept.
     */
    @Test
    void viewsOfMadeUpNamesFrom120AddressesKeepEveryHotEntry() {
        makeFortyHotEntries();
        Flux.range(0, 600).flatMap(i -> Flux.defer(() -> {
            view(10 + i % 120, null, (i % 2 == 0 ? "/pokemon/" : "/later/") + "made-up-" + i);
            return Flux.empty();
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 32).blockLast(Duration.ofSeconds(300));
        for (int i = 0; i < 40; i++) {
            assertThat(client.endpoint("pokemon").state("hot" + i).data()).as("hot%d kept", i).isNotNull();
        }
    }

    @Test
    void aPageViewLeavesItsNewEntryOnProbationAndHotEntriesAreKept() {
        makeFortyHotEntries();
        view("/pokemon/madeup-first");
        assertThat(client.endpoint("pokemon").state("madeup-first").data()).isNotNull();
        assertThat(Admission.discard(client, "pokemon", null, "madeup-first"))
                .as("the page's read joined the preload's fetch: still on probation")
                .isEqualTo(Admission.Discarded.DISCARDED);

        Flux.range(0, 200).flatMap(i -> Flux.defer(() -> {
            view("/pokemon/madeup-" + i);
            return Flux.empty();
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 32).blockLast(Duration.ofSeconds(120));

        for (int i = 0; i < 40; i++) {
            assertThat(client.endpoint("pokemon").state("hot" + i).data()).as("hot%d kept", i).isNotNull();
        }
    }
}

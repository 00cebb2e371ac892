package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code Query-Cache-Refresh} under a budget (CONTRACT amendment 2026-12-06): honoured on writes only, and
 * the preloads it runs are charged like {@code POST /_query/preload}: a burst of 2 at an average of one
 * request per 1 000 seconds, so the third refresh in a row is over budget whatever the machine's speed.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon",
                "query-cache.web.budget.per-client-rate=0.001", "query-cache.web.budget.per-client-burst=2"})
class RefreshBudgetTest {

    @LocalServerPort
    int port;

    @Autowired
    Upstream upstream;

    private ResponseEntity<String> send(String method, String path, String refresh) {
        return WebClient.create("http://localhost:" + port).method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path).header("Query-Cache-Refresh", refresh)
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void aRefreshIsHonouredOnWritesOnlyAndItsPreloadsAreChargedToTheBudget() {
        // two writes within the burst: each answer carries the page's state
        for (String name : new String[] {"abra", "kadabra"}) {
            ResponseEntity<String> r = send("POST", "/pokemon/" + name + "/touch", "/pokemon/" + name);
            assertThat(r.getHeaders().getFirst("Query-Cache-Refresh")).isEqualTo("applied");
            assertThat(r.getBody()).contains("\"arg\":\"" + name + "\"");
        }

        // the third is over budget: the write happens, its answer's state is empty, the page's preload never ran
        int writes = WebTestApplication.Pages.WRITES.get();
        ResponseEntity<String> over = send("POST", "/pokemon/alakazam/touch", "/pokemon/alakazam");
        assertThat(over.getStatusCode().value()).isEqualTo(200);
        assertThat(over.getBody()).isEqualTo("{\"value\":{\"touched\":\"alakazam\"},\"state\":{\"queries\":[]}}");
        assertThat(WebTestApplication.Pages.WRITES.get()).as("the write happened").isEqualTo(writes + 1);
        assertThat(upstream.calls("pokemon:alakazam")).isZero();

        // a GET naming a page to refresh: ignored (answered as any GET), and that page's preloads do not run
        ResponseEntity<String> get = send("GET", "/", "/pokemon/ghost");
        assertThat(get.getStatusCode().value()).isEqualTo(200);
        assertThat(get.getHeaders().getFirst("Query-Cache-Refresh")).startsWith("ignored (GET");
        assertThat(get.getBody()).doesNotStartWith("{\"value\"");
        assertThat(upstream.calls("pokemon:ghost")).isZero();
    }
}

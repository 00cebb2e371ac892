package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The per-client rate of HTTP prefetch and preload: a burst of 3 at an average of one request per 1 000
 * seconds, so the fourth request in a row is refused whatever the machine's speed. Refusals are counted.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon",
                "query-cache.web.budget.per-client-rate=0.001", "query-cache.web.budget.per-client-burst=3"})
class RateBudgetTest {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @Autowired
    Upstream upstream;

    @Autowired
    MeterRegistry meters;

    private int post(String path, String body) {
        return WebClient.create("http://localhost:" + port).post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .block(Duration.ofSeconds(30));
    }

    @Test
    void aClientOverItsRateGets429AndTheRefusalIsCounted() {
        assertThat(post("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"a\"}")).isEqualTo(202);
        assertThat(post("/_query/preload", "{\"path\":\"/pokemon/b\"}")).isEqualTo(202);
        assertThat(post("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"c\"}")).isEqualTo(202);
        assertThat(post("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"d\"}")).isEqualTo(429);
        assertThat(post("/_query/preload", "{\"path\":\"/pokemon/e\"}")).isEqualTo(429);
        assertThat(upstream.calls("pokemon:d")).isZero();
        assertThat(upstream.calls("pokemon:e")).isZero();
        // a GET page over budget still renders, only without its preloads
        Integer page = WebClient.create("http://localhost:" + port).get().uri("/pokemon/f")
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(30));
        assertThat(page).isNotEqualTo(429);
        assertThat(meters.get("query.cache.web.refused").tag("reason", "rate").functionCounter().count())
                .isGreaterThanOrEqualTo(3);
    }
}

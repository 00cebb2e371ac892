package dev.querycache.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.upstream.latency=50ms")
class SampleApplicationTest {

    @LocalServerPort
    int port;

    @Autowired
    UpstreamController upstream;

    private ResponseEntity<String> get(String path) {
        return WebClient.create("http://localhost:" + port).get().uri(path).retrieve().toEntity(String.class)
                .block(Duration.ofSeconds(10));
    }

    @Test
    void theSecondRequestIsAHitAndTheUpstreamIsAskedOnce() {
        ResponseEntity<String> first = get("/api/pokemon/pikachu");
        ResponseEntity<String> second = get("/api/pokemon/pikachu");
        assertThat(first.getBody()).contains("\"name\":\"pikachu\"");
        assertThat(second.getBody()).isEqualTo(first.getBody());
        assertThat(first.getHeaders().getFirst("Server-Timing")).startsWith("cache;desc=miss");
        assertThat(second.getHeaders().getFirst("Server-Timing")).startsWith("cache;desc=hit");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void favouritingInvalidatesTheEntry() {
        get("/api/pokemon/eevee");
        long before = upstream.requestCount();
        WebClient.create("http://localhost:" + port).post().uri("/api/pokemon/eevee/favourite").retrieve()
                .toBodilessEntity().block(Duration.ofSeconds(10));
        assertThat(get("/api/pokemon/eevee").getBody()).contains("\"favourite\":true");
        assertThat(upstream.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void theIndexPageLinksTheApi() {
        assertThat(get("/").getBody()).contains("/api/pokemon/pikachu");
    }
}

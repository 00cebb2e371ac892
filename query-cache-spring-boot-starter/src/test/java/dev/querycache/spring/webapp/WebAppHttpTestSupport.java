package dev.querycache.spring.webapp;

import dev.querycache.QueryClient;
import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What the real-HTTP tests of {@link WebTestApplication} share: the server's port, its client and fake
 * upstream, both emptied before each test, and a {@link WebClient} on the server.
 */
abstract class WebAppHttpTestSupport {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @Autowired
    Upstream upstream;

    @BeforeEach
    void emptyTheCacheAndTheUpstream() {
        client.resetApiState();
        upstream.reset();
    }

    WebClient http() {
        return WebClient.create("http://localhost:" + port);
    }

    /** POSTs {@code json} to {@code path} as {@code user} (the {@code X-User} header; none when null) and waits for the answer. */
    ResponseEntity<String> postJson(String path, String user, String json) {
        WebClient.RequestBodySpec spec = http().post().uri(path).contentType(MediaType.APPLICATION_JSON);
        if (user != null) {
            spec.header("X-User", user);
        }
        return spec.bodyValue(json).exchangeToMono(x -> x.toEntity(String.class)).block(Duration.ofSeconds(30));
    }
}

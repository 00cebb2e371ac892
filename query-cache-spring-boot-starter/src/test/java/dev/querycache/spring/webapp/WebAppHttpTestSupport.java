package dev.querycache.spring.webapp;

import dev.querycache.QueryClient;
import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
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
}

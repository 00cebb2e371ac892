package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.spring.js.BrowserLibrariesHydrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The real {@code @tanstack/query-core} in node, wired with the {@code tanstack.js} this server serves: a
 * single-flight write hydrates the refreshed entry, which is then read with zero requests; the upstream sees
 * the first fetch and the one refetch the write caused, no more.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon",
                "query-cache.web.state-format=tanstack"})
class SingleFlightTanStackTest extends WebAppHttpTestSupport {

    @BeforeAll
    static void install() throws Exception {
        BrowserLibrariesHydrationTest.install();
    }

    @Test
    void aTanStackClientHydratedFromTheWritesAnswerServesTheRefreshedEntryWithNoRequest() throws Exception {
        client.endpoint("pokemon").query("pikachu").block(Duration.ofSeconds(30));
        String script = http().get().uri("/_query/tanstack.js").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
        Path served = BrowserLibrariesHydrationTest.JS.resolve("tanstack-served.mjs");
        Files.writeString(served, script);

        String out = BrowserLibrariesHydrationTest.run(Duration.ofMinutes(2), "node", "single-flight-check.mjs",
                "http://localhost:" + port, served.toAbsolutePath().toString());
        assertThat(out.strip()).endsWith("ok").contains("{\"reads\":0}");
        assertThat(upstream.calls("pokemon:pikachu")).as("the first fetch and the write's one refetch").isEqualTo(2);
    }
}

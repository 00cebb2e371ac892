package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The limits of a streamed page (issue #36, point 3 and 4): what has not settled by
 * {@code query-cache.web.stream-timeout} keeps its fallback, the browser cache is told it is not coming and
 * the response ends; an untrusted request's page streams no more new entries than its budget allows.
 */
@SpringBootTest(classes = StreamTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.endpoints.pokemon.retries=0",
                "query-cache.web.stream-timeout=1500ms",
                "query-cache.web.budget.max-new-entries-per-client=2", "query-cache.web.budget.max-new-entries-per-endpoint=2"})
class StreamLimitsHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    StreamTestApplication.Gates gates;

    @Autowired
    QueryClient client;

    @BeforeEach
    void reset() {
        client.resetApiState();
        gates.reset();
    }

    @Test
    void whatHasNotSettledByTheTimeoutKeepsItsFallbackAndTheResponseEnds() throws Exception {
        StreamedResponse page = StreamedResponse.get(port, "/three/late", Map.of("X-User", "trusted"));
        page.awaitContains("\"type\":\"pending\"");
        gates.release("late-a", "in time");
        String body = page.awaitEnd();   // b and c never answer
        assertThat(page.status()).isEqualTo(200);
        assertThat(body).contains("late-a: in time", "Loading b…", "Loading c…")
                .contains("__qcPush({\"type\":\"timeout\",\"keys\":[[\"pokemon\",\"late-b\"],[\"pokemon\",\"late-c\"]]})")
                .contains("\"type\":\"end\"");
        assertThat(StreamedPageHttpTest.count(body, "<template")).as("only a was filled").isEqualTo(1);
        assertThat(body.strip()).endsWith("</html>");
        assertThat(client.endpoint("pokemon").state("late-b").isFetching()).as("the fetch goes on for the cache").isTrue();
    }

    @Test
    void anUntrustedPageStreamsNoMoreNewEntriesThanItsBudgetAllows() throws Exception {
        StreamedResponse anonymous = StreamedResponse.get(port, "/three/anon");
        String shell = anonymous.awaitContains("\"type\":\"pending\"");
        // the third new entry is refused at once: its error form is in the shell, and its key is not announced
        assertThat(shell).contains("<section id=\"c\"><p class=\"failed\">c is not available.</p></section>")
                .contains("\"keys\":[[\"pokemon\",\"anon-a\"],[\"pokemon\",\"anon-b\"]]");
        gates.release("anon-a", "1");
        gates.release("anon-b", "2");
        gates.release("anon-c", "3");
        String body = anonymous.awaitEnd();
        assertThat(body).contains("anon-a: 1", "anon-b: 2").doesNotContain("\"queryKey\":[\"pokemon\",\"anon-c\"]");
        assertThat(gates.fetches("anon-c")).as("refused before its fetch").isZero();

        StreamedResponse signedIn = StreamedResponse.get(port, "/three/mine", Map.of("X-User", "alice"));
        signedIn.awaitContains("\"type\":\"pending\"");
        gates.release("mine-a", "1");
        gates.release("mine-b", "2");
        gates.release("mine-c", "3");
        assertThat(signedIn.awaitEnd()).contains("mine-a: 1", "mine-b: 2", "mine-c: 3").doesNotContain("is not available");
    }
}

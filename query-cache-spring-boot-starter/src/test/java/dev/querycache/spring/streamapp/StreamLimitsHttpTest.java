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
        anonymous.awaitContains("\"type\":\"pending\"");
        gates.release("anon-a", "1");
        gates.release("anon-b", "2");
        gates.release("anon-c", "3");
        String body = anonymous.awaitEnd();
        // a (the route preload's) is admitted first; of b and c, whichever asks second is refused before its fetch
        // and shows its error form, in the shell or streamed
        assertThat(body).contains("anon-a: 1");
        boolean bRefused = body.contains("b is not available.");
        boolean cRefused = body.contains("c is not available.");
        assertThat(bRefused ^ cRefused).as("exactly one of b and c refused").isTrue();
        String refused = bRefused ? "anon-b" : "anon-c";
        assertThat(body).contains(bRefused ? "anon-c: 3" : "anon-b: 2")
                .doesNotContain("\"queryKey\":[\"pokemon\",\"" + refused + "\"]");
        assertThat(gates.fetches(refused)).as("refused before its fetch").isZero();

        StreamedResponse signedIn = StreamedResponse.get(port, "/three/mine", Map.of("X-User", "alice"));
        signedIn.awaitContains("\"type\":\"pending\"");
        gates.release("mine-a", "1");
        gates.release("mine-b", "2");
        gates.release("mine-c", "3");
        assertThat(signedIn.awaitEnd()).contains("mine-a: 1", "mine-b: 2", "mine-c: 3").doesNotContain("is not available");
    }
}

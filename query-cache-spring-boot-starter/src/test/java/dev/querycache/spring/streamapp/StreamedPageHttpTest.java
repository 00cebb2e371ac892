package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Streamed pages over real HTTP (issue #36), read chunk by chunk as the server flushes them, with upstreams the
 * test answers by hand: the shell comes before any upstream answers, each query follows in settle order, the
 * response ends, errors show nothing of the exception, a caller's entry streams to that caller only, hostile
 * data stays inside its elements, inline scripts carry the nonce, and a cached page is not streamed.
 */
@SpringBootTest(classes = StreamTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.state-format=tanstack",
                "query-cache.endpoints.pokemon.retries=0"})
class StreamedPageHttpTest {

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
    void theShellComesAtOnceThenEachQueryInSettleOrderThenTheEnd() throws Exception {
        StreamedResponse page = StreamedResponse.get(port, "/three/t1");
        String shell = page.awaitContains("\"type\":\"pending\"");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("Content-Type")).startsWith("text/html");
        assertThat(page.headers().get("Content-Length")).as("streamed: no length").isNull();
        assertThat(shell).contains("<h1 id=\"title\">Three of t1</h1>", "Loading a…", "Loading b…", "Loading c…")
                .doesNotContain("t1-a: ", "t1-b: ", "t1-c: ", "is not available", "</body>");
        assertThat(shell).as("the browser cache is told which keys are coming")
                .contains("\"keys\":[[\"pokemon\",\"t1-a\"],[\"pokemon\",\"t1-b\"],[\"pokemon\",\"t1-c\"]]");
        assertThat(page.hasEnded()).isFalse();

        gates.release("t1-c", "third");
        page.awaitContains("t1-c: third");
        assertThat(page.soFar()).doesNotContain("t1-a: ", "t1-b: ", "</body>");
        gates.release("t1-a", "first");
        page.awaitContains("t1-a: first");
        assertThat(page.soFar()).doesNotContain("t1-b: ");
        gates.release("t1-b", "second");
        String body = page.awaitEnd();

        assertThat(body.indexOf("t1-c: third")).isLessThan(body.indexOf("t1-a: first"));
        assertThat(body.indexOf("t1-a: first")).isLessThan(body.indexOf("t1-b: second"));
        // each fragment fills the element that showed its fallback
        for (String name : new String[] {"a", "b", "c"}) {
            Matcher slot = Pattern.compile("<section id=\"" + name + "\" data-qc-slot=\"(\\d+)\">").matcher(body);
            assertThat(slot.find()).as("the fallback element of %s carries its slot", name).isTrue();
            String id = slot.group(1);
            assertThat(body).contains("<template data-qc-fill=\"" + id + "\"><section id=\"" + name + "\">")
                    .contains("<script>__qcFill(" + id + ")</script>");
        }
        // the entry of each key goes to the browser cache in the page's format (TanStack), in settle order
        int c = body.indexOf("\"keys\":[[\"pokemon\",\"t1-c\"]]");
        int a = body.indexOf("\"keys\":[[\"pokemon\",\"t1-a\"]]");
        int b = body.indexOf("\"keys\":[[\"pokemon\",\"t1-b\"]]");
        assertThat(c).isPositive().isLessThan(a);
        assertThat(a).isLessThan(b);
        assertThat(body).contains("\"queryKey\":[\"pokemon\",\"t1-b\"]", "\"status\":\"success\"", "\"format\":\"tanstack\"");
        assertThat(body).contains("\"type\":\"end\"").doesNotContain("\"type\":\"timeout\"");
        // one document: one body, closed last, every template closed, nothing after </html>
        assertThat(count(body, "<body>")).isEqualTo(1);
        assertThat(count(body, "</body>")).isEqualTo(1);
        assertThat(count(body, "<template")).isEqualTo(3).isEqualTo(count(body, "</template>"));
        assertThat(body.strip()).endsWith("</html>");
        assertThat(body.indexOf("\"type\":\"end\"")).isLessThan(body.indexOf("</body>"));
        assertThat(page.chunks()).as("flushed in parts").isGreaterThanOrEqualTo(4);
        // the route preload's fetch of t1-a was joined by the page: one upstream call per key
        assertThat(gates.fetches("t1-a")).isEqualTo(1);
        assertThat(gates.fetches("t1-b")).isEqualTo(1);
    }

    @Test
    void aCachedPageRendersWholeAndIsNotStreamed() throws Exception {
        for (String k : new String[] {"t2-a", "t2-b", "t2-c"}) {
            gates.release(k, "cached");
            client.endpoint("pokemon").query(k).block(Duration.ofSeconds(10));
        }
        StreamedResponse page = StreamedResponse.get(port, "/three/t2");
        String body = page.awaitEnd();
        assertThat(page.headers().get("Content-Length")).isNotNull();
        assertThat(body).contains("t2-a: cached", "t2-b: cached", "t2-c: cached")
                .doesNotContain("<template", "__qcPush", "Loading", "data-qc-slot", "qc:", "xmlns:qc");
        assertThat(body).as("the page state holds the three entries").contains("id=\"query-cache-state\"",
                "\"queryKey\":[\"pokemon\",\"t2-c\"]");
    }

    @Test
    void aFailedQueryRendersItsErrorFormWithNothingOfTheException() throws Exception {
        StreamedResponse page = StreamedResponse.get(port, "/three/t3");
        page.awaitContains("\"type\":\"pending\"");
        gates.fail("t3-b");
        gates.release("t3-a", "ok");
        gates.release("t3-c", "ok");
        String body = page.awaitEnd();
        assertThat(body).contains("<p class=\"failed\">b is not available.</p>", "\"type\":\"failed\",\"key\":[\"pokemon\",\"t3-b\"]")
                .contains("t3-a: ok", "t3-c: ok")
                .doesNotContain("hunter2", "secret", "IllegalStateException", "\"queryKey\":[\"pokemon\",\"t3-b\"]");
    }

    @Test
    void aCallersOwnEntryStreamsToThatCallerOnly() throws Exception {
        StreamedResponse alice = StreamedResponse.get(port, "/mine/p", Map.of("X-User", "alice"));
        alice.awaitContains("\"keys\":[[\"mine\",\"p\"]]");
        gates.release("alice:p", "alice's own");
        String aliceBody = alice.awaitEnd();
        assertThat(aliceBody).contains("alice:p: alice&#39;s own", "\"keys\":[[\"mine\",\"p\"]]", "\"queryKey\":[\"mine\",\"p\"]");

        StreamedResponse bob = StreamedResponse.get(port, "/mine/p", Map.of("X-User", "bob"));
        String bobShell = bob.awaitContains("\"type\":\"pending\"");
        assertThat(bobShell).doesNotContain("alice");
        gates.release("bob:p", "bob's own");
        String bobBody = bob.awaitEnd();
        assertThat(bobBody).contains("bob:p: bob&#39;s own").doesNotContain("alice");
        assertThat(gates.fetches("alice:p")).isEqualTo(1);
    }

    @Test
    void hostileDataStaysInsideItsElementAndItsMessage() throws Exception {
        String hostile = "</template></section></script><script>alert(1)</script><!-- \u2028 & '\"";
        StreamedResponse page = StreamedResponse.get(port, "/three/t4");
        page.awaitContains("\"type\":\"pending\"");
        gates.release("t4-a", hostile);
        gates.release("t4-b", "fine");
        gates.release("t4-c", "fine");
        String body = page.awaitEnd();
        assertThat(body).doesNotContain("<script>alert(1)").doesNotContain("</template></section>")
                .doesNotContain("<!-- ");
        Matcher script = Pattern.compile("(?s)<script[^>]*>(.*?)</script>").matcher(body);
        while (script.find()) {
            assertThat(script.group(1)).as("no script holds a raw line separator").doesNotContain("\u2028");
        }
        assertThat(body).contains("&lt;/template&gt;&lt;/section&gt;&lt;/script&gt;&lt;script&gt;alert(1)")
                .contains("\\u003c/template\\u003e\\u003c/section\\u003e\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
        assertThat(count(body, "<template")).isEqualTo(3).isEqualTo(count(body, "</template>"));
        assertThat(count(body, "<script")).isEqualTo(count(body, "</script>"));
    }

    @Test
    void everyInlineScriptCarriesThePagesNonce() throws Exception {
        StreamedResponse page = StreamedResponse.get(port, "/three/t5", Map.of("X-Nonce", "r4nd0m\"<x"));
        page.awaitContains("\"type\":\"pending\"");
        gates.release("t5-a", "1");
        gates.release("t5-b", "2");
        gates.release("t5-c", "3");
        String body = page.awaitEnd();
        int scripts = count(body, "<script");
        assertThat(scripts).isGreaterThan(6);
        assertThat(count(body, "<script nonce=\"r4nd0m&quot;&lt;x\">")).as("every script has the nonce").isEqualTo(
                scripts - count(body, "<script type=\"application/json\""));
    }

    @Test
    void aQueryThatDecidesTheStatusIsAwaitedBeforeTheFirstByte() throws Exception {
        gates.fail("exists-nope");
        StreamedResponse missing = StreamedResponse.get(port, "/checked/nope");
        missing.awaitEnd();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(gates.fetches("nope")).as("its details may start, but the page is a 404").isLessThanOrEqualTo(1);

        StreamedResponse present = StreamedResponse.get(port, "/checked/yes");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (gates.fetches("exists-yes") == 0) {   // the handler is waiting for the awaited query
            assertThat(System.nanoTime()).as("the awaited query started within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
        long released = System.nanoTime();
        gates.release("exists-yes", "");
        present.awaitContains("Loading…");
        assertThat(present.firstChunkNanos()).as("nothing before the awaited query answered").isGreaterThan(released);
        assertThat(present.status()).isEqualTo(200);
        gates.release("yes", "details");
        assertThat(present.awaitEnd()).contains("yes: details");
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}

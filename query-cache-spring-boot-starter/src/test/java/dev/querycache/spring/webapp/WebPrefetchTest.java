package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/** Route preloads, HTTP prefetch/preload and preload.js over real HTTP, and every kind of hostile input. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon,search,catalogue",
                "query-cache.web.max-prefetch-pages=5"})
class WebPrefetchTest extends WebAppHttpTestSupport {

    private ResponseEntity<String> post(String path, String json) {
        return http().post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchangeToMono(r -> r.toEntity(String.class).defaultIfEmpty(ResponseEntity.status(r.statusCode()).build()))
                .block(Duration.ofSeconds(30));
    }

    private ResponseEntity<String> get(String path) {
        return http().get().uri(path)
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------------ what works

    @Test
    void aRoutePreloadStartsEveryFetchOfThePageBeforeTheHandlerRuns() {
        ResponseEntity<String> page = get("/page/pikachu");
        assertThat(page.getBody()).isEqualTo("pikachu lives in forest");
        assertThat(page.getHeaders().getFirst("X-Both-Running-At-Handler-Start"))
                .as("both fetches were already in flight when the handler started, so they ran in parallel")
                .isEqualTo("true");
        System.out.println("two 400 ms queries, preloaded: handler took " + page.getHeaders().getFirst("X-Handler-Millis") + " ms");
        assertThat(upstream.calls("pokemon:pikachu")).isEqualTo(1);
        assertThat(upstream.calls("species:pikachu")).isEqualTo(1);
    }

    @Test
    void withoutARouteTheSameHandlerRunsAWaterfall() {
        ResponseEntity<String> page = get("/waterfall/eevee");
        assertThat(page.getBody()).isEqualTo("eevee lives in forest");
        assertThat(page.getHeaders().getFirst("X-Both-Running-At-Handler-Start"))
                .as("no route covers /waterfall, so nothing was fetching when the handler started").isEqualTo("false");
        System.out.println("two 400 ms queries, no preload: handler took " + page.getHeaders().getFirst("X-Handler-Millis") + " ms");
    }

    @Test
    void prefetchWarmsAPrefetchableEndpointWithATypedArg() {
        ResponseEntity<String> r = post("/_query/prefetch", "{\"endpoint\":\"search\",\"arg\":{\"type\":\"fire\",\"limit\":3}}");
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(client.endpoint("search").state(new WebTestApplication.SearchQuery("fire", 3)).data())
                .isEqualTo(java.util.List.of("fire-1", "fire-2"));
    }

    @Test
    void prefetchOfAnInfiniteEndpointFetchesTheAskedPages() {
        assertThat(post("/_query/prefetch", "{\"endpoint\":\"catalogue\",\"arg\":\"all\",\"pages\":3}").getStatusCode().value())
                .isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        waitUntil(() -> client.infiniteEndpoint("catalogue").state("all").data() != null
                && client.infiniteEndpoint("catalogue").state("all").data().pages().size() == 3);
    }

    @Test
    void preloadOnIntentRunsTheRoutes() {
        assertThat(post("/_query/preload", "{\"path\":\"/pokemon/mew\"}").getStatusCode().value()).isEqualTo(202);
        assertThat(client.endpoint("pokemon").state("mew").isFetching() || client.endpoint("pokemon").state("mew").data() != null).isTrue();
        assertThat(post("/_query/preload", "{\"path\":\"/unknown\"}").getStatusCode().value()).isEqualTo(204);
    }

    @Test
    void preloadJsIsServedWithTheBasePath() {
        ResponseEntity<String> r = get("/_query/preload.js");
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertThat(r.getHeaders().getContentType().toString()).startsWith("text/javascript");
        assertThat(r.getBody()).contains("\"/_query/preload\"", "mousemove", "focusin", "touchstart", "data-preload");
    }

    // ------------------------------------------------------------------------ hostile input

    private void refused(String path, String body, int status, String message) {
        int before = client.inspector().size();
        long fetches = client.stats().fetchCount();
        ResponseEntity<String> r = post(path, body);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(status));
        assertThat(r.getBody()).startsWith("{\"error\":\"").contains(message).doesNotContain("Exception", "\tat ", "\n");
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(client.inspector().size()).as("nothing in the cache changed").isEqualTo(before);
        assertThat(client.stats().fetchCount()).isEqualTo(fetches);
    }

    @Test
    void malformedJsonIs400() {
        refused("/_query/prefetch", "{\"endpoint\":", 400, "malformed JSON");
        refused("/_query/prefetch", "[1,2]", 400, "JSON object");
    }

    @Test
    void anArgOfTheWrongTypeIs400() {
        refused("/_query/prefetch", "{\"endpoint\":\"search\",\"arg\":\"fire\"}", 400, "SearchQuery");
        refused("/_query/prefetch", "{\"endpoint\":\"search\",\"arg\":{\"type\":\"fire\",\"limit\":\"many\"}}", 400, "SearchQuery");
    }

    @Test
    void unknownOrNonPrefetchableEndpointsAre404() {
        refused("/_query/prefetch", "{\"endpoint\":\"nope\",\"arg\":1}", 404, "nope");
        refused("/_query/prefetch", "{\"endpoint\":\"species\",\"arg\":\"pikachu\"}", 404, "species");
        refused("/_query/prefetch", "{\"arg\":\"pikachu\"}", 400, "endpoint");
    }

    @Test
    void anOversizedBodyIs413() {
        String big = "{\"endpoint\":\"pokemon\",\"arg\":\"" + "x".repeat(5000) + "\"}";
        refused("/_query/prefetch", big, 413, "larger than 4096 bytes");
        refused("/_query/preload", "{\"path\":\"/" + "a".repeat(5000) + "\"}", 413, "larger than");
    }

    @Test
    void aPathThatIsNotAPlainAbsolutePathIs400() {
        for (String path : new String[] {"pokemon/pikachu", "//evil.example/x", "https://evil.example/",
                "/a/../pokemon/pikachu", "/pokemon/pikachu?x=1", "/a\\\\b", ""}) {
            refused("/_query/preload", "{\"path\":\"" + path + "\"}", 400, "plain absolute path");
        }
        refused("/_query/preload", "{\"path\":42}", 400, "plain absolute path");
    }

    @Test
    void deeplyNestedJsonIs400() {
        String nested = "[".repeat(200) + "]".repeat(200);
        refused("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":" + nested + "}", 400, "nested");
    }

    @Test
    void anOverLargeOrInvalidPagesIs400() {
        refused("/_query/prefetch", "{\"endpoint\":\"catalogue\",\"arg\":\"all\",\"pages\":1000}", 400, "from 1 to 5");
        refused("/_query/prefetch", "{\"endpoint\":\"catalogue\",\"arg\":\"all\",\"pages\":0}", 400, "from 1 to 5");
        refused("/_query/prefetch", "{\"endpoint\":\"catalogue\",\"arg\":\"all\",\"pages\":\"2\"}", 400, "from 1 to 5");
        refused("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"x\",\"pages\":2}", 400, "only for infinite");
    }

    @Test
    void anEmptyBodyIs400() {
        refused("/_query/prefetch", "", 400, "empty");
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 10s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void theStateOfAnEntryAfterPrefetchIsSuccess() {
        post("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"ditto\"}");
        waitUntil(() -> client.endpoint("pokemon").state("ditto").status() == QueryStatus.SUCCESS);
        Mono<Object> hit = client.endpoint("pokemon").query("ditto");
        assertThat(hit.block()).isEqualTo(new WebTestApplication.Pokemon("ditto", 5));
    }
}

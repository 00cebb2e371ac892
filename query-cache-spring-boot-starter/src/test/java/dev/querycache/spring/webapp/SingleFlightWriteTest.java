package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;

/** Single-flight writes over real HTTP: the write's answer carries the refreshed page state. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon"})
class SingleFlightWriteTest extends WebAppHttpTestSupport {

    private ResponseEntity<String> post(String path, String refresh) {
        return http().post().uri(path).headers(h -> {
            if (refresh != null) {
                h.set("Query-Cache-Refresh", refresh);
            }
        }).exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void theWritesAnswerCarriesItsValueAndTheRefreshedPageStateAfterOneRefetch() {
        client.endpoint("pokemon").query("pikachu").block(Duration.ofSeconds(30));
        assertThat(upstream.calls("pokemon:pikachu")).isEqualTo(1);

        ResponseEntity<String> r = post("/pokemon/pikachu/touch", "/pokemon/pikachu");
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertThat(r.getHeaders().getFirst("Query-Cache-Refresh")).isEqualTo("applied");
        assertThat(r.getHeaders().getContentType().toString()).startsWith("application/json");
        assertThat(r.getBody()).startsWith("{\"value\":{\"touched\":\"pikachu\"},\"state\":{\"queries\":[")
                .contains("\"endpoint\":\"pokemon\"", "\"arg\":\"pikachu\"", "\"name\":\"pikachu\"");
        assertThat(upstream.calls("pokemon:pikachu")).as("the write caused one refetch, awaited, and no more").isEqualTo(2);
        assertThat(client.endpoint("pokemon").state("pikachu").status().name()).isEqualTo("SUCCESS");
    }

    @Test
    void noRouteAnEmptyBodyAndNoHeader() {
        ResponseEntity<String> noRoute = post("/pokemon/eevee/touch", "/nowhere/at/all");
        assertThat(noRoute.getHeaders().getFirst("Query-Cache-Refresh")).isEqualTo("applied");
        assertThat(noRoute.getBody()).isEqualTo("{\"value\":{\"touched\":\"eevee\"},\"state\":{\"queries\":[]}}");

        ResponseEntity<String> empty = post("/pokemon/eevee/touch-quietly", "/pokemon/eevee");
        assertThat(empty.getStatusCode().value()).isEqualTo(200);
        assertThat(empty.getBody()).startsWith("{\"value\":null,\"state\":{\"queries\":[").contains("\"arg\":\"eevee\"");

        ResponseEntity<String> untouched = post("/pokemon/eevee/touch", null);
        assertThat(untouched.getBody()).isEqualTo("{\"touched\":\"eevee\"}");
        assertThat(untouched.getHeaders().getFirst("Query-Cache-Refresh")).isNull();
    }

    @Test
    void theRefreshRunsAsTheCallerSoAPerUserPageGetsThatCallersEntriesOnly() {
        // the caller is resolved asynchronously (WebTestApplication's filter), the route preload of /team reads a
        // PRINCIPAL endpoint: each writer's answer holds its own team, never the other's
        for (String user : new String[] {"ash", "misty"}) {
            ResponseEntity<String> r = http().post().uri("/pokemon/pikachu/touch").header("X-User", user)
                    .header("Query-Cache-Refresh", "/team")
                    .exchangeToMono(x -> x.toEntity(String.class)).block(Duration.ofSeconds(30));
            assertThat(r.getHeaders().getFirst("Query-Cache-Refresh")).isEqualTo("applied");
            String other = user.equals("ash") ? "misty" : "ash";
            assertThat(r.getBody()).as(user).contains("\"" + user + "-pick-1\"").doesNotContain(other + "-pick");
        }
        assertThat(upstream.calls("team:ash")).isEqualTo(1);
        assertThat(upstream.calls("team:misty")).isEqualTo(1);
    }

    @Test
    void aBadHeaderIs400BeforeTheHandlerRuns() {
        int before = WebTestApplication.Pages.WRITES.get();
        for (String bad : new String[] {"https://evil.example/pokemon/pikachu", "//evil.example/x", "pokemon/pikachu",
                "/pokemon/%2e%2e", "/a\\b"}) {
            ResponseEntity<String> r = post("/pokemon/pikachu/touch", bad);
            assertThat(r.getStatusCode().value()).as(bad).isEqualTo(400);
            assertThat(r.getBody()).as(bad).startsWith("{\"error\":").contains("Query-Cache-Refresh");
        }
        assertThat(WebTestApplication.Pages.WRITES.get()).as("no handler ran").isEqualTo(before);
    }

    @Test
    void aHandlerAnsweringSomethingElseThanJsonIsLeftUntouchedAndSaysSo() {
        ResponseEntity<String> r = post("/pokemon/mew/touch-text", "/pokemon/mew");
        assertThat(r.getBody()).isEqualTo("touched mew");
        assertThat(r.getHeaders().getFirst("Query-Cache-Refresh")).startsWith("skipped").contains("not JSON");
    }
}

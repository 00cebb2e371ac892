package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryStatus;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What a page of another site, or anyone who can reach the server, can make the cache do over HTTP:
 * requests a browser sends cross-site without a preflight, attacker-chosen keys and args, encoded paths.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.devtools.enabled=true",
                "query-cache.web.prefetchable=pokemon,search",
                "query-cache.web.budget.max-new-entries-per-endpoint=5",
                "query-cache.web.budget.per-client-burst=100000"})
class HostileClientsTest extends WebAppHttpTestSupport {

    private ResponseEntity<String> post(String path, MediaType type, String body, Consumer<HttpHeaders> headers) {
        return http().post().uri(path).contentType(type)
                .headers(headers).bodyValue(body)
                .exchangeToMono(r -> r.toEntity(String.class)
                        .defaultIfEmpty(ResponseEntity.status(r.statusCode()).build()))
                .block(Duration.ofSeconds(30));
    }

    private ResponseEntity<String> postJson(String path, String body) {
        return post(path, MediaType.APPLICATION_JSON, body, h -> { });
    }

    private void cached(String name) {
        client.endpoint("pokemon").query(name).block(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------ cross-site requests

    @Test
    void aSimpleRequestThatAFormOrAnotherSiteCanSendIsRefusedWith415AndChangesNothing() {
        cached("pikachu");
        for (MediaType type : new MediaType[] {MediaType.TEXT_PLAIN, MediaType.APPLICATION_FORM_URLENCODED,
                MediaType.MULTIPART_FORM_DATA}) {
            ResponseEntity<String> remove = post("/_query/devtools/remove", type,
                    "{\"endpoint\":\"pokemon\",\"arg\":\"pikachu\"}", h -> { });
            assertThat(remove.getStatusCode().value()).as(type.toString()).isEqualTo(415);
            assertThat(remove.getBody()).contains("\"error\"").contains("application/json");
            ResponseEntity<String> prefetch = post("/_query/prefetch", type, "{\"endpoint\":\"pokemon\",\"arg\":\"mew\"}",
                    h -> { });
            assertThat(prefetch.getStatusCode().value()).isEqualTo(415);
        }
        assertThat(client.endpoint("pokemon").state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(client.endpoint("pokemon").state("mew").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        assertThat(upstream.calls("pokemon:mew")).isZero();
    }

    @Test
    void aMalformedContentTypeIs415WithAOneLineBodyNeverAServerError() throws Exception {
        cached("pikachu");
        java.net.http.HttpClient raw = java.net.http.HttpClient.newHttpClient();
        for (String type : new String[] {"x", ";;;/", "application/json; charset=bogus", "application/", "/json"}) {
            for (String path : new String[] {"/_query/prefetch", "/_query/preload", "/_query/devtools/remove"}) {
                java.net.http.HttpResponse<String> r = raw.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://localhost:" + port + path))
                        .header("Content-Type", type).timeout(Duration.ofSeconds(30))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"pokemon\",\"arg\":\"pikachu\"}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(type + " on " + path).isEqualTo(415);
                assertThat(r.body()).as(type + " on " + path).startsWith("{\"error\":").doesNotContain("\n").doesNotContain("Exception");
            }
        }
        assertThat(client.endpoint("pokemon").state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
    }

    @Test
    void devtoolsViewersAreBoundedAndEachFirstGetsTheWholeCacheOnce() {
        cached("pikachu");
        java.util.List<reactor.core.Disposable> open = new java.util.ArrayList<>();
        java.util.List<java.util.List<String>> firstEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
                firstEvents.add(events);
                open.add(http().get().uri("/_query/devtools/events").retrieve()
                        .bodyToFlux(new org.springframework.core.ParameterizedTypeReference<
                                org.springframework.http.codec.ServerSentEvent<String>>() { })
                        .subscribe(e -> events.add(e.event() + " " + e.data())));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> firstEvents.stream().allMatch(l -> !l.isEmpty()));
            assertThat(firstEvents).allSatisfy(l -> assertThat(l.get(0)).startsWith("cache ").contains("pikachu"));
            ResponseEntity<String> eleventh = http().get().uri("/_query/devtools/events")
                    .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
            assertThat(eleventh.getStatusCode().value()).isEqualTo(429);
            assertThat(eleventh.getBody()).startsWith("{\"error\":").contains("max-viewers");
        } finally {
            open.forEach(reactor.core.Disposable::dispose);
        }
    }

    @Test
    void aRequestFromAnotherOriginIsRefusedWith403EvenAsJson() {
        cached("pikachu");
        String body = "{\"endpoint\":\"pokemon\",\"arg\":\"pikachu\"}";
        // what Chromium sends from a page on another port of the same host
        ResponseEntity<String> sameSite = post("/_query/devtools/remove", MediaType.APPLICATION_JSON, body, h -> {
            h.set("Sec-Fetch-Site", "same-site");
            h.set(HttpHeaders.ORIGIN, "http://localhost:" + (port + 1));
        });
        assertThat(sameSite.getStatusCode().value()).isEqualTo(403);
        ResponseEntity<String> crossSite = post("/_query/devtools/invalidate", MediaType.APPLICATION_JSON,
                "{\"type\":\"Pokemon\"}", h -> h.set("Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.getStatusCode().value()).isEqualTo(403);
        ResponseEntity<String> otherOrigin = post("/_query/preload", MediaType.APPLICATION_JSON,
                "{\"path\":\"/pokemon/mew\"}", h -> h.set(HttpHeaders.ORIGIN, "http://evil.example"));
        assertThat(otherOrigin.getStatusCode().value()).isEqualTo(403);
        assertThat(client.endpoint("pokemon").state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(upstream.calls("pokemon:mew")).isZero();

        ResponseEntity<String> sameOrigin = post("/_query/prefetch", MediaType.APPLICATION_JSON,
                "{\"endpoint\":\"pokemon\",\"arg\":\"mew\"}", h -> {
                    h.set("Sec-Fetch-Site", "same-origin");
                    h.set(HttpHeaders.ORIGIN, "http://localhost:" + port);
                });
        assertThat(sameOrigin.getStatusCode().value()).isEqualTo(202);
    }

    // ------------------------------------------------------------------ attacker-chosen keys and args

    @Test
    void aMissingOrNullArgOrACoercibleScalarIs400AndFetchesNothing() {
        for (String body : new String[] {
                "{\"endpoint\":\"pokemon\"}",
                "{\"endpoint\":\"pokemon\",\"arg\":null}",
                "{\"endpoint\":\"pokemon\",\"arg\":5}",
                "{\"endpoint\":\"pokemon\",\"arg\":true}",
                "{\"endpoint\":\"search\",\"arg\":{\"type\":\"fire\",\"limit\":1.5}}",
                "{\"endpoint\":\"search\",\"arg\":{\"type\":5,\"limit\":3}}",
                "{\"endpoint\":\"search\",\"arg\":{\"type\":\"fire\",\"limit\":\"3\"}}"}) {
            ResponseEntity<String> r = postJson("/_query/prefetch", body);
            assertThat(r.getStatusCode().value()).as(body).isEqualTo(400);
            assertThat(r.getBody()).as(body).contains("arg");
        }
        assertThat(client.entries()).isEmpty();
        assertThat(upstream.calls).isEmpty();
    }

    @Test
    void httpPrefetchKeepsOnlySoManyEntriesPerEndpointAndTheOldestMakesRoom() {
        cached("pikachu");   // created by the application, not by HTTP: does not count, never dropped
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"junk" + i + "\"}")
                    .getStatusCode().value()).isEqualTo(202);
        }
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        ResponseEntity<String> sixth = postJson("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"junk5\"}");
        assertThat(sixth.getStatusCode().value()).as("room is made, not refused").isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(client.endpoint("pokemon").state("junk0").status()).as("the oldest made room").isEqualTo(QueryStatus.UNINITIALIZED);
        assertThat(client.endpoint("pokemon").state("junk5").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(client.endpoint("pokemon").state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(client.entries().stream().filter(s -> String.valueOf(s.arg()).startsWith("junk")).count()).isEqualTo(5);
        assertThat(postJson("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"junk3\"}").getStatusCode().value())
                .as("a key HTTP already created may be prefetched again").isEqualTo(202);
        assertThat(postJson("/_query/prefetch", "{\"endpoint\":\"pokemon\",\"arg\":\"pikachu\"}").getStatusCode().value())
                .as("a cached key costs nothing").isEqualTo(202);
        assertThat(client.endpoint("pokemon").state("junk1").status()).as("neither dropped anything").isEqualTo(QueryStatus.SUCCESS);
    }

    // ------------------------------------------------------------------ encoded paths

    @Test
    void encodedDotSegmentsNulAndCrlfAre400ForPreload() {
        for (String path : new String[] {"/pokemon/%2e%2e", "/pokemon/%2E", "/pokemon/a%00b", "/pokemon/a%0d%0aSet-Cookie:x",
                "/pokemon/a%2fb", "/pokemon/%zz"}) {
            ResponseEntity<String> r = postJson("/_query/preload", "{\"path\":\"" + path + "\"}");
            assertThat(r.getStatusCode().value()).as(path).isEqualTo(400);
        }
        assertThat(upstream.calls).isEmpty();
        assertThat(postJson("/_query/preload", "{\"path\":\"/pokemon/mew%20two\"}").getStatusCode().value())
                .as("an encoded space is a plain value").isEqualTo(202);
    }

    @Test
    void aGetRoutePreloadNeverHandsAnEncodedDotSegmentOrControlCharToItsPreload() {
        // /preload-only/{name} has a route preload and no handler: whatever is cached came from the preload
        WebClient web = http();
        for (String path : new String[] {"/preload-only/%2e%2e", "/preload-only/%2E", "/preload-only/a%00b",
                "/preload-only/a%0d%0ab"}) {
            web.get().uri(java.net.URI.create("http://localhost:" + port + path))
                    .exchangeToMono(r -> r.releaseBody()).block(Duration.ofSeconds(30));
        }
        assertThat(client.entries()).isEmpty();
        assertThat(upstream.calls).isEmpty();
        web.get().uri("/preload-only/mew").exchangeToMono(r -> r.releaseBody()).block(Duration.ofSeconds(30));
        assertThat(client.endpoint("pokemon").state("mew").status()).as("a plain value is preloaded")
                .isNotEqualTo(QueryStatus.UNINITIALIZED);
    }
}

package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryScopes;
import dev.querycache.Tag;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** {@code GET /_query/q/{endpoint}} and {@code GET /_query/events} over real HTTP. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true",
                "query-cache.web.prefetchable=pokemon,search,catalogue,myTeam,requestNonce,bulk",
                "query-cache.web.events-heartbeat=1s", "query-cache.web.max-body-size=1KB", "query-cache.web.events-replay=5"})
class BrowserCacheHttpTest extends WebAppHttpTestSupport {

    private ResponseEntity<String> q(String user, String endpoint, String argJson) {
        String uri = "/_query/q/" + endpoint + (argJson == null ? "" : "?arg=" + URLEncoder.encode(argJson, StandardCharsets.UTF_8));
        WebClient.RequestHeadersSpec<?> spec = http().get().uri(java.net.URI.create(
                "http://localhost:" + port + uri));
        if (user != null) {
            spec = spec.header("X-User", user);
        }
        return spec.exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void readsThroughTheCacheWithTheSameKeyAsThePageState() {
        ResponseEntity<String> first = q(null, "pokemon", "\"pikachu\"");
        assertThat(first.getStatusCode().value()).isEqualTo(200);
        assertThat(first.getBody()).contains("\"name\":\"pikachu\"");
        assertThat(first.getHeaders().getCacheControl()).isEqualTo("private, no-cache");
        assertThat(q(null, "pokemon", "\"pikachu\"").getBody()).isEqualTo(first.getBody());
        assertThat(upstream.calls).as("the second read was a hit").hasSize(1);
        assertThat(client.endpoint("pokemon").state("pikachu").data()).isNotNull();

        assertThat(q(null, "search", "{\"limit\":2,\"type\":\"fire\"}").getBody()).isEqualTo("[\"fire-1\",\"fire-2\"]");
        assertThat(q(null, "catalogue", "\"all\"").getBody()).isEqualTo("{\"pages\":[[0,1]],\"pageParams\":[0]}");
    }

    /**
     * A large value is streamed: written into the response in chunks as the connection takes them (no
     * Content-Length, no whole copy of its JSON held), and its ETag is still the hash of the bytes sent.
     */
    @Test
    void aLargeValueIsStreamedInChunksWithTheTagOfItsBytes() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        long[] bytes = {0};
        var response = http().get().uri(java.net.URI.create("http://localhost:" + port + "/_query/q/bulk?arg=16"))
                .exchangeToMono(r -> r.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class)
                        .doOnNext(b -> {
                            byte[] chunk = new byte[b.readableByteCount()];
                            b.read(chunk);
                            sha.update(chunk);
                            bytes[0] += chunk.length;
                            org.springframework.core.io.buffer.DataBufferUtils.release(b);
                        })
                        .then(Mono.just(r.headers().asHttpHeaders())))
                .block(Duration.ofSeconds(60));
        assertThat(bytes[0]).as("16 MB of JSON").isEqualTo(16L * 1024 * 1024 + 1);   // ["...","..."]: 1 KB per line, +1
        assertThat(response.getContentLength()).as("streamed: no Content-Length").isEqualTo(-1);
        assertThat(response.getFirst("Transfer-Encoding")).isEqualTo("chunked");
        String etag = response.getETag();
        assertThat(etag).isEqualTo("\"" + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.util.Arrays.copyOf(sha.digest(), 16)) + "\"");
        assertThat(qIfNoneMatch("bulk", "16", etag).getStatusCode().value()).isEqualTo(304);

        ResponseEntity<String> small = q(null, "bulk", "0");
        assertThat(small.getBody()).isEqualTo("[]");
        assertThat(small.getHeaders().getContentLength()).as("a small body is sent from memory").isEqualTo(2);
    }

    private ResponseEntity<String> qIfNoneMatch(String endpoint, String argJson, String etag) {
        return http().get().uri(java.net.URI.create("http://localhost:" + port + "/_query/q/" + endpoint + "?arg="
                        + URLEncoder.encode(argJson, StandardCharsets.UTF_8)))
                .header("If-None-Match", etag).exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void aConditionalReadOfUnchangedDataIs304WithoutABodyAndChangedDataA200WithANewETag() {
        ResponseEntity<String> first = q(null, "pokemon", "\"pikachu\"");
        String etag = first.getHeaders().getETag();
        assertThat(etag).as("a strong ETag").startsWith("\"").endsWith("\"").doesNotStartWith("W/");
        assertThat(q(null, "pokemon", "\"pikachu\"").getHeaders().getETag()).as("derived from the data").isEqualTo(etag);

        ResponseEntity<String> unchanged = qIfNoneMatch("pokemon", "\"pikachu\"", etag);
        assertThat(unchanged.getStatusCode().value()).isEqualTo(304);
        assertThat(unchanged.getBody()).isNull();
        assertThat(unchanged.getHeaders().getETag()).isEqualTo(etag);
        assertThat(qIfNoneMatch("pokemon", "\"pikachu\"", "\"other\", " + etag).getStatusCode().value())
                .as("one of a list").isEqualTo(304);
        assertThat(qIfNoneMatch("pokemon", "\"eevee\"", etag).getStatusCode().value())
                .as("another entry's tag does not match").isEqualTo(200);

        client.endpoint("pokemon").setData("pikachu", new WebTestApplication.Pokemon("pikachu", 99));
        ResponseEntity<String> changed = qIfNoneMatch("pokemon", "\"pikachu\"", etag);
        assertThat(changed.getStatusCode().value()).isEqualTo(200);
        assertThat(changed.getBody()).contains("99");
        assertThat(changed.getHeaders().getETag()).isNotEqualTo(etag);
        assertThat(upstream.calls("pokemon:pikachu")).as("conditional reads are cache reads").isEqualTo(1);
    }

    @Test
    void followsTheAllowlistScopesAndInputRules() {
        assertThat(q(null, "species", "\"oak\"").getStatusCode().value()).as("not listed").isEqualTo(404);
        assertThat(q(null, "requestNonce", "\"x\"").getStatusCode().value()).as("REQUEST").isEqualTo(404);
        assertThat(q(null, "nothing", "\"x\"").getStatusCode().value()).isEqualTo(404);
        assertThat(q(null, "pokemon", "5").getStatusCode().value()).as("no coercion").isEqualTo(400);
        assertThat(q(null, "pokemon", "{nope").getStatusCode().value()).isEqualTo(400);
        assertThat(q(null, "pokemon", null).getStatusCode().value()).as("arg required").isEqualTo(400);
        assertThat(q(null, "pokemon", "\"" + "x".repeat(2000) + "\"").getStatusCode().value()).isEqualTo(400);
        assertThat(q(null, "pokemon", "5").getBody()).startsWith("{\"error\":");
        assertThat(upstream.calls).as("nothing refused reached the upstream").isEmpty();

        assertThat(q(null, "myTeam", "\"2024\"").getStatusCode().value()).as("PRINCIPAL needs a caller").isEqualTo(401);
        assertThat(q("ash", "myTeam", "\"2024\"").getBody()).isEqualTo("[\"ash-pick-1\",\"ash-pick-2\"]");
        assertThat(q("misty", "myTeam", "\"2024\"").getBody()).isEqualTo("[\"misty-pick-1\",\"misty-pick-2\"]");
    }

    private record Listener(List<String> keys, Disposable connection) {
    }

    private Listener listen(String user) {
        List<String> events = new CopyOnWriteArrayList<>();
        WebClient.RequestHeadersSpec<?> spec = http().get().uri("/_query/events");
        if (user != null) {
            spec = spec.header("X-User", user);
        }
        Disposable connection = spec.retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .subscribe(e -> events.add(e.event() == null ? "comment" : e.event() + " " + e.data()));
        Awaitility.await("the events stream is ready").atMost(Duration.ofSeconds(30))
                .until(() -> events.contains("ready {}"));
        return new Listener(events, connection);
    }

    private static List<String> invalidated(Listener l) {
        return l.keys().stream().filter(e -> e.startsWith("invalidate ")).map(e -> e.substring("invalidate ".length())).toList();
    }

    /** An events stream as {@code EventSource} opens it, with {@code Last-Event-ID} when it reconnects. */
    private record Stream(List<ServerSentEvent<String>> events, Disposable connection) {
        List<String> named() {
            return events.stream().filter(e -> e.event() != null).map(e -> e.event() + " " + e.data()).toList();
        }

        String readyId() {
            return events.stream().filter(e -> "ready".equals(e.event())).findFirst().orElseThrow().id();
        }
    }

    private Stream open(String user, String lastEventId) {
        List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
        WebClient.RequestHeadersSpec<?> spec = http().get().uri("/_query/events");
        if (user != null) {
            spec = spec.header("X-User", user);
        }
        if (lastEventId != null) {
            spec = spec.header("Last-Event-ID", lastEventId);
        }
        Disposable connection = spec.retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .subscribe(events::add);
        Awaitility.await("the events stream is ready").atMost(Duration.ofSeconds(30))
                .until(() -> events.stream().anyMatch(e -> "ready".equals(e.event())));
        return new Stream(events, connection);
    }

    @Test
    void aReconnectWithTheLastIdGetsWhatItMissedAndOnlyWhatItsCallerMaySee() {
        q(null, "pokemon", "\"pikachu\"");
        q("ash", "myTeam", "\"2024\"");
        q("misty", "myTeam", "\"2024\"");
        Stream first = open("ash", null);
        String lastId = first.readyId();
        assertThat(lastId).as("ready carries an id").isNotBlank();
        first.connection().dispose();
        Stream witness = open("misty", null);   // stays connected: tells when the server has sent everything

        client.invalidateTags(Tag.of("Pokemon", "pikachu"));   // shared: ash may see it
        client.invalidateTags(Tag.of("Team"));                 // ash's and misty's entries
        Awaitility.await("the server has sent both").atMost(Duration.ofSeconds(30))
                .until(() -> witness.named().stream().filter(e -> e.startsWith("invalidate ")).count() == 2);
        witness.connection().dispose();
        Stream again = open("ash", lastId);
        try {
            List<String> named = again.named();
            assertThat(named).as("missed, then ready: " + named).containsExactly(
                    "invalidate {\"queryKey\":[\"pokemon\",\"pikachu\"]}",
                    "invalidate {\"queryKey\":[\"myTeam\",\"2024\"]}",
                    "ready {}");
            assertThat(again.events()).filteredOn(e -> e.event() != null).allSatisfy(e -> assertThat(e.id()).isNotBlank());
            List<String> ids = again.events().stream().filter(e -> "invalidate".equals(e.event())).map(ServerSentEvent::id).toList();
            assertThat(ids).doesNotHaveDuplicates().doesNotContain(lastId);

            // and live events go on after the replay, with ids
            q(null, "pokemon", "\"eevee\"");
            client.invalidateTags(Tag.of("Pokemon", "eevee"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> again.named().contains(
                    "invalidate {\"queryKey\":[\"pokemon\",\"eevee\"]}"));
        } finally {
            again.connection().dispose();
        }
    }

    @Test
    void anIdTheServerCannotResumeFromGetsAResetFirst() {
        Stream current = open(null, null);
        String lastId = current.readyId();
        current.connection().dispose();
        for (String id : new String[] {"nope", "0-1", "zzz-3", lastId.substring(0, lastId.lastIndexOf('-')) + "-999999"}) {
            Stream s = open(null, id);
            try {
                assertThat(s.named()).as(id).first().isEqualTo("reset {}");
            } finally {
                s.connection().dispose();
            }
        }
        // the window keeps the last 5: ten invalidations later, the old id is too old
        Stream witness = open(null, null);
        for (int i = 0; i < 10; i++) {
            q(null, "pokemon", "\"p" + i + "\"");
            client.invalidateTags(Tag.of("Pokemon", "p" + i));
        }
        Awaitility.await("the server has sent all ten").atMost(Duration.ofSeconds(30))
                .until(() -> witness.named().stream().filter(e -> e.startsWith("invalidate ")).count() == 10);
        witness.connection().dispose();
        Stream tooOld = open(null, lastId);
        try {
            assertThat(tooOld.named()).first().isEqualTo("reset {}");
        } finally {
            tooOld.connection().dispose();
        }
        Stream fresh = open(null, null);
        try {
            assertThat(fresh.named()).as("a first connection is no reconnect").containsExactly("ready {}");
        } finally {
            fresh.connection().dispose();
        }
    }

    @Test
    void theEventsStreamTellsEachBrowserTheKeysItMaySee() throws Exception {
        Listener anonymous = listen(null);
        Listener ash = listen("ash");
        try {
            q(null, "pokemon", "\"pikachu\"");
            q(null, "species", "\"oak\"");
            q("ash", "myTeam", "\"2024\"");
            q("misty", "myTeam", "\"2024\"");
            client.endpoint("species").query("oak").block(Duration.ofSeconds(30));

            client.invalidateTags(Tag.of("Pokemon", "pikachu"));
            client.invalidateTags(Tag.of("Team"));
            client.endpoint("species").invalidate("oak");   // not listed: never announced
            q("ash", "myTeam", "\"2024\"");                   // the tag removed it: read it again, then invalidate it by arg
            QueryScopes.callAs("ash", null, () -> {
                client.endpoint("myTeam").invalidate("2024");
                return null;
            });

            // a marker invalidated last, seen by both: a stream delivers in order, so once the marker arrived,
            // everything invalidated before it that this stream would carry has arrived too
            q(null, "pokemon", "\"marker\"");
            client.invalidateTags(Tag.of("Pokemon", "marker"));
            String marker = "{\"queryKey\":[\"pokemon\",\"marker\"]}";
            Awaitility.await().atMost(Duration.ofSeconds(30)).alias("ash got the marker: " + ash.keys())
                    .until(() -> invalidated(ash).contains(marker));
            Awaitility.await().atMost(Duration.ofSeconds(30)).alias("anonymous got the marker: " + anonymous.keys())
                    .until(() -> invalidated(anonymous).contains(marker));
            assertThat(invalidated(anonymous)).containsExactly("{\"queryKey\":[\"pokemon\",\"pikachu\"]}", marker);
            assertThat(invalidated(ash)).containsExactlyInAnyOrder("{\"queryKey\":[\"pokemon\",\"pikachu\"]}",
                    "{\"queryKey\":[\"myTeam\",\"2024\"]}", "{\"queryKey\":[\"myTeam\",\"2024\"]}", marker);
            assertThat(invalidated(ash).get(invalidated(ash).size() - 1)).as("the marker came last").isEqualTo(marker);
            Awaitility.await("a heartbeat keeps the connection open").atMost(Duration.ofSeconds(30))
                    .until(() -> ash.keys().contains("comment"));
        } finally {
            anonymous.connection().dispose();
            ash.connection().dispose();
        }
    }
}

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

/** {@code GET /_query/q/{endpoint}} and {@code GET /_query/events} over real HTTP. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true",
                "query-cache.web.prefetchable=pokemon,search,catalogue,myTeam,requestNonce",
                "query-cache.web.events-heartbeat=1s", "query-cache.web.max-body-size=1KB"})
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
        assertThat(first.getHeaders().getCacheControl()).isEqualTo("no-store");
        assertThat(q(null, "pokemon", "\"pikachu\"").getBody()).isEqualTo(first.getBody());
        assertThat(upstream.calls).as("the second read was a hit").hasSize(1);
        assertThat(client.endpoint("pokemon").state("pikachu").data()).isNotNull();

        assertThat(q(null, "search", "{\"limit\":2,\"type\":\"fire\"}").getBody()).isEqualTo("[\"fire-1\",\"fire-2\"]");
        assertThat(q(null, "catalogue", "\"all\"").getBody()).isEqualTo("{\"pages\":[[0,1]],\"pageParams\":[0]}");
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

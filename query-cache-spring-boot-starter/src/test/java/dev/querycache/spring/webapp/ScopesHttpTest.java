package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Two users over real HTTP: each sees only their own PRINCIPAL data, in JSON and in the page state. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon,myTeam,requestNonce"})
class ScopesHttpTest extends WebAppHttpTestSupport {

    private ResponseEntity<String> get(String user, String path) {
        WebClient.RequestHeadersSpec<?> spec = http().get().uri(path);
        if (user != null) {
            spec = spec.header("X-User", user);
        }
        return spec.exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void concurrentUsersEachSeeOnlyTheirOwnTeam() {
        List<String> bodies = Flux.range(0, 20)
                .flatMap(i -> http().get().uri("/api/team").header("X-User", i % 2 == 0 ? "ash" : "misty")
                        .retrieve().bodyToMono(String.class).map(b -> (i % 2 == 0 ? "ash" : "misty") + "=" + b))
                .collectList().block(Duration.ofSeconds(20));
        assertThat(bodies).allSatisfy(b -> {
            String user = b.substring(0, b.indexOf('='));
            assertThat(b).contains(user + "-pick-1").doesNotContain(user.equals("ash") ? "misty" : "ash-pick");
        });
        assertThat(upstream.calls("team:ash")).isEqualTo(1);
        assertThat(upstream.calls("team:misty")).isEqualTo(1);
    }

    @Test
    void thePageEmbedsOnlyThisRequestsOwnState() {
        get("misty", "/team");
        get(null, "/pokemon/eevee");                      // another request reads a shared entry
        String page = get("ash", "/team").getBody();
        String state = page.substring(page.indexOf("<script"));
        assertThat(state).contains("ash-pick-1", "pikachu");
        assertThat(state).doesNotContain("misty", "eevee");
    }

    @Test
    void aPrincipalEndpointWithoutACallerFailsAndIsNeverShared() {
        ResponseEntity<String> r = get(null, "/api/team");
        assertThat(r.getStatusCode().is5xxServerError()).isTrue();
        assertThat(client.inspector().size()).isZero();
    }

    @Test
    void aRequestEndpointReadTwiceInOneRequestFetchesOnceAndIsGoneAfterwards() {
        assertThat(get("ash", "/api/nonce-twice").getBody()).isEqualTo("nonce-1,nonce-1");
        assertThat(get("ash", "/api/nonce-twice").getBody()).isEqualTo("nonce-2,nonce-2");
        assertThat(client.entries()).noneMatch(s -> s.endpoint().equals("requestNonce"));
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (client.inspector().requestEntryCount() != 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(client.inspector().requestEntryCount()).as("ended requests hold no entries (the request ends just after its response)").isZero();
    }

    @Test
    void routePreloadsOfAPrincipalEndpointWarmTheCallersEntryOnly() {
        ResponseEntity<String> r = postJson("/_query/preload", "misty", "{\"path\":\"/team\"}");
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(client.entries()).filteredOn(s -> s.endpoint().equals("myTeam"))
                .singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo("misty"));
    }

    @Test
    void httpPrefetchWarmsTheCallersEntryOnlyAndRefusesRequestEndpoints() {
        ResponseEntity<String> r = postJson("/_query/prefetch", "brock", "{\"endpoint\":\"myTeam\",\"arg\":\"2026\"}");
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(client.entries()).singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo("brock"));

        ResponseEntity<String> anonymous = postJson("/_query/prefetch", null, "{\"endpoint\":\"myTeam\",\"arg\":\"2026\"}");
        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        ResponseEntity<String> perRequest = postJson("/_query/prefetch", "brock", "{\"endpoint\":\"requestNonce\",\"arg\":\"n\"}");
        assertThat(perRequest.getStatusCode().value()).isEqualTo(404);
        assertThat(client.inspector().size()).isEqualTo(1);
    }
}

package dev.querycache.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.sample.upstream.PokemonData;
import dev.querycache.sample.upstream.UpstreamController;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** The sample app over real HTTP: pages, the JSON API and its Server-Timing header. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.upstream.latency=200ms")
class SampleApplicationTest {

    @LocalServerPort
    int port;

    @Autowired
    UpstreamController upstream;

    @Autowired
    PokemonData data;

    @Autowired
    QueryClient client;

    @BeforeEach
    void clean() {
        client.resetApiState();
    }

    private ResponseEntity<String> get(String path) {
        return WebClient.create("http://localhost:" + port).get().uri(path).retrieve().toEntity(String.class)
                .block(Duration.ofSeconds(30));
    }

    @Test
    void theCatalogueHoldsTheOriginal151() {
        assertThat(data.page(1, 200).total()).isEqualTo(151);
        assertThat(data.byName("mew").id()).isEqualTo(151);
        assertThat(data.byName("charizard").types()).containsExactly("fire", "flying");
        assertThat(data.byName("pikachu").stats().speed()).isEqualTo(90);
    }

    @Test
    void serverTimingSaysMissThenHitAndTheUpstreamIsAskedOnce() {
        long before = upstream.requestCount();
        ResponseEntity<String> first = get("/api/pokemon/pikachu");
        ResponseEntity<String> second = get("/api/pokemon/pikachu");
        assertThat(first.getBody()).contains("\"name\":\"pikachu\"", "\"speed\":90");
        assertThat(second.getBody()).isEqualTo(first.getBody());
        assertThat(first.getHeaders().getFirst("Server-Timing")).startsWith("cache;desc=\"miss\", upstream;dur=");
        assertThat(second.getHeaders().getFirst("Server-Timing")).isEqualTo("cache;desc=\"hit\", upstream;dur=0.0");
        assertThat(upstream.requestCount() - before).isEqualTo(1);
    }

    @Test
    void concurrentRequestsForAColdPokemonAreDeduplicated() {
        long before = upstream.requestCount();
        List<String> timings = Flux.range(0, 10)
                .flatMap(i -> WebClient.create("http://localhost:" + port).get().uri("/api/pokemon/snorlax").retrieve()
                        .toEntity(String.class))
                .map(r -> r.getHeaders().getFirst("Server-Timing")).collectList().block(Duration.ofSeconds(30));
        assertThat(upstream.requestCount() - before).isEqualTo(1);
        assertThat(timings).anyMatch(t -> t.startsWith("cache;desc=\"miss\"")).anyMatch(t -> t.startsWith("cache;desc=\"dedup\""));
    }

    @Test
    void theNextCataloguePageIsPrefetchedSoItIsAHit() throws Exception {
        long page2Before = upstream.requestCount("pokemon?page=2&size=20");
        ResponseEntity<String> page1 = get("/api/pokemon?page=1&size=20");
        assertThat(page1.getBody()).contains("\"bulbasaur\"", "\"total\":151", "\"totalPages\":8");
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(upstream.requestCount("pokemon?page=2&size=20")).as("prefetched once").isEqualTo(page2Before + 1);
        ResponseEntity<String> page2 = get("/api/pokemon?page=2&size=20");
        assertThat(page2.getBody()).contains("\"page\":2", "\"name\":\"spearow\"");
        assertThat(page2.getHeaders().getFirst("Server-Timing")).startsWith("cache;desc=\"hit\"");
        assertThat(upstream.requestCount("pokemon?page=2&size=20")).as("page 2 came from the cache").isEqualTo(page2Before + 1);
    }

    /** What a page gives its scripts for a write: the XSRF-TOKEN cookie and the token of its meta tag. */
    private record CsrfOfAPage(String cookie, String header, String token) {
    }

    private CsrfOfAPage csrfOf(String page) {
        ResponseEntity<String> r = get(page);
        String cookie = r.getHeaders().get("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        String body = r.getBody();
        String token = body.replaceAll("(?s).*<meta name=\"_csrf\" content=\"([^\"]+)\".*", "$1");
        String header = body.replaceAll("(?s).*<meta name=\"_csrf_header\" content=\"([^\"]+)\".*", "$1");
        return new CsrfOfAPage(cookie, header, token);
    }

    private ResponseEntity<String> toggle(String name, CsrfOfAPage csrf) {
        return WebClient.create("http://localhost:" + port).post().uri("/api/pokemon/" + name + "/favourite")
                .headers(h -> {
                    h.set("Cookie", csrf.cookie());
                    h.set(csrf.header(), csrf.token());
                })
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    @Test
    void favouritingInvalidatesTheEntry() {
        get("/api/pokemon/eevee");
        assertThat(toggle("eevee", csrfOf("/pokemon/eevee")).getStatusCode().value()).isEqualTo(200);
        ResponseEntity<String> after = get("/api/pokemon/eevee");
        assertThat(after.getBody()).contains("\"favourite\":true");
        assertThat(after.getHeaders().getFirst("Server-Timing")).startsWith("cache;desc=\"miss\"");
    }

    @Test
    void aCrossSitePostCannotToggleAFavourite() {
        get("/api/pokemon/psyduck");
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/json"}) {
            Integer status = WebClient.create("http://localhost:" + port).post().uri("/api/pokemon/psyduck/favourite")
                    .header("Origin", "http://evil.example").header("Content-Type", type).bodyValue("x")
                    .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(30));
            assertThat(status).as(type).isEqualTo(403);
        }
        CsrfOfAPage csrf = csrfOf("/pokemon/psyduck");
        CsrfOfAPage cookieOnly = new CsrfOfAPage(csrf.cookie(), "X-Nothing", "x");
        assertThat(toggle("psyduck", cookieOnly).getStatusCode().value()).as("the cookie alone, as another site's form sends it")
                .isEqualTo(403);
        assertThat(get("/api/pokemon/psyduck").getBody()).as("nothing flipped").contains("\"favourite\":false");
        assertThat(toggle("psyduck", csrf).getStatusCode().value()).as("the page's own token").isEqualTo(200);
    }

    @Test
    void anonymousPagesCreateNoSession() {
        for (String page : new String[] {"/", "/pokemon/pikachu", "/type/fire", "/favourites", "/api/pokemon/pikachu"}) {
            ResponseEntity<String> r = get(page);
            List<String> cookies = r.getHeaders().getOrDefault("Set-Cookie", List.of());
            assertThat(cookies).as(page).noneMatch(c -> c.startsWith("SESSION="));
        }
        assertThat(get("/pokemon/pikachu").getHeaders().get("Set-Cookie")).as("the CSRF token is a cookie")
                .anyMatch(c -> c.startsWith("XSRF-TOKEN="));
    }

    @Test
    void eachTrainerSeesOnlyTheirOwnTeam() {
        String ash = WebClient.create("http://localhost:" + port).get().uri("/team")
                .headers(h -> h.setBasicAuth("ash", "pikachu"))
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
        String misty = WebClient.create("http://localhost:" + port).get().uri("/team")
                .headers(h -> h.setBasicAuth("misty", "starmie"))
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
        assertThat(ash).contains("Pikachu", "Charizard").doesNotContain("Starmie");
        assertThat(misty).contains("Starmie", "Psyduck").doesNotContain("Pikachu");
        Integer anonymous = WebClient.create("http://localhost:" + port).get().uri("/team")
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(30));
        assertThat(anonymous).as("Spring Security sends an anonymous visitor to sign in").isIn(302, 303, 401);
        assertThat(client.entries()).filteredOn(s -> s.endpoint().equals("myTeam"))
                .extracting(s -> s.principal()).containsExactlyInAnyOrder("ash", "misty");
    }

    @Test
    void theListPageEmbedsOnlyItsOwnRequestsState() {
        get("/api/pokemon/mewtwo");
        String list = get("/").getBody();
        String state = list.substring(list.indexOf("id=\"query-cache-state\""));
        assertThat(state).contains("bulbasaur").doesNotContain("mewtwo");
    }

    @Test
    void pagesRenderWithPreloadScriptAndTheListCarriesTheDehydratedState() {
        String list = get("/").getBody();
        assertThat(list).contains("Bulbasaur", "/_query/preload.js", "id=\"query-cache-state\"", "load-more");
        String detail = get("/pokemon/charizard").getBody();
        assertThat(detail).contains("Charizard", "#6", "fire", "flying");
        assertThat(get("/type/electric").getBody()).contains("Pikachu", "Raichu");
    }

    private int status(String method, String path) {
        return WebClient.create("http://localhost:" + port).method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .block(Duration.ofSeconds(30));
    }

    @Test
    void earlierPagesThatMaxPagesDroppedAreFetchedAgainNot404() {
        assertThat(status("GET", "/api/pokemon?page=10&size=10")).isEqualTo(200);
        ResponseEntity<String> first = get("/api/pokemon?page=1&size=10");
        assertThat(first.getBody()).contains("\"page\":1", "bulbasaur");
        assertThat(get("/api/pokemon?page=2&size=10").getBody()).contains("\"page\":2");
        assertThat(status("GET", "/api/pokemon?page=99&size=10")).isEqualTo(404);
    }

    @Test
    void unknownNamesAre404NotServerErrors() {
        assertThat(status("GET", "/pokemon/doesnotexist")).isEqualTo(404);
        assertThat(status("GET", "/api/pokemon/doesnotexist")).isEqualTo(404);
        assertThat(toggle("nope", csrfOf("/pokemon/pikachu")).getStatusCode().value()).isEqualTo(404);
    }
}

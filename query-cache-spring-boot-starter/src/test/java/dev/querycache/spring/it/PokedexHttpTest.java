package dev.querycache.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheProperties;
import dev.querycache.spring.it.PokedexTestApplication.Pokemon;
import dev.querycache.spring.it.PokedexTestApplication.Upstream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** The starter in a real WebFlux server, configured by application.yml, exercised over real HTTP. */
@SpringBootTest(classes = PokedexTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PokedexHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    Upstream upstream;

    @Autowired
    QueryClient client;

    @Autowired
    QueryCacheProperties properties;

    private WebClient http() {
        return WebClient.create("http://localhost:" + port);
    }

    private Pokemon get(String name) {
        return http().get().uri("/pokemon/{n}", name).retrieve().bodyToMono(Pokemon.class).block(Duration.ofSeconds(30));
    }

    @Test
    void applicationYmlConfiguresTheClient() {
        assertThat(properties.getEndpoints().get("pokemon").getStaleTime()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.getDefaults().getKeepUnusedDataFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(client.inspector().endpointNames()).containsExactlyInAnyOrder("pokemon", "typesFetcher");
    }

    @Test
    void aSecondRequestIsServedFromTheCache() {
        Pokemon first = get("pikachu");
        Pokemon second = get("pikachu");
        assertThat(second).isEqualTo(first);
        assertThat(upstream.hits("pikachu")).isEqualTo(1);
        List<Object> types = http().get().uri("/types").retrieve().bodyToMono(new org.springframework.core.ParameterizedTypeReference<List<Object>>() { }).block(Duration.ofSeconds(30));
        assertThat(types).containsExactly("electric", "normal");
    }

    @Test
    void concurrentColdRequestsHitTheUpstreamOnce() {
        List<Pokemon> all = Flux.range(0, 20)
                .flatMap(i -> http().get().uri("/pokemon/eevee").retrieve().bodyToMono(Pokemon.class))
                .collectList().block(Duration.ofSeconds(20));
        assertThat(all).hasSize(20).allSatisfy(p -> assertThat(p.version()).isEqualTo(1));
        assertThat(upstream.hits("eevee")).isEqualTo(1);
    }

    @Test
    void aMutationWithInvalidatesTagsMakesTheNextRequestRefetch() {
        assertThat(get("snorlax").favourite()).isFalse();
        http().post().uri("/pokemon/snorlax/favourite").retrieve().toBodilessEntity().block(Duration.ofSeconds(30));
        Pokemon after = get("snorlax");
        assertThat(after.favourite()).isTrue();
        assertThat(after.version()).isEqualTo(2);
        assertThat(upstream.hits("snorlax")).isEqualTo(2);
    }

    @Test
    void actuatorShowsTheCacheItsHealthAndItsMeters() {
        get("mew");
        String cache = http().get().uri("/actuator/querycache").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
        assertThat(cache).contains("\"endpoint\":\"pokemon\"", "\"arg\":\"mew\"", "\"hitCount\"");
        String health = http().get().uri("/actuator/health").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
        assertThat(health).contains("\"queryCache\"", "\"UP\"");
        String requests = http().get().uri("/actuator/metrics/query.cache.requests").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(30));
        assertThat(requests).contains("\"name\":\"query.cache.requests\"", "\"result\"");

        http().post().uri("/actuator/querycache").header("Content-Type", "application/json")
                .bodyValue("{\"type\":\"Pokemon\",\"id\":\"mew\"}").retrieve().toBodilessEntity().block(Duration.ofSeconds(30));
        assertThat(client.endpoint("pokemon").state("mew").data()).isNull();

        org.springframework.http.ResponseEntity<String> empty = http().post().uri("/actuator/querycache")
                .header("Content-Type", "application/json").bodyValue("{}")
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
        assertThat(empty.getStatusCode().value()).isEqualTo(400);
        assertThat(empty.getBody()).as("says what is missing").contains("\\\"type\\\" is missing");
    }
}

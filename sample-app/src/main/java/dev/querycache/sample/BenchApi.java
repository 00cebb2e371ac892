package dev.querycache.sample;

import dev.querycache.QueryClient;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Three ways to serve the same JSON, for the HTTP load comparison (query-cache-benchmarks/http-load.sh):
 * a precomputed constant (the web stack's own limit), through the query cache, and straight to the
 * upstream every time.
 */
@RestController
public class BenchApi {

    private static final Pokemon PIKACHU = new Pokemon(25, "pikachu", List.of("electric"));

    private final QueryClient client;
    private final Environment env;
    private volatile WebClient upstream;

    BenchApi(QueryClient client, Environment env) {
        this.client = client;
        this.env = env;
    }

    @GetMapping("/bench/constant")
    Mono<Pokemon> constant() {
        return Mono.just(PIKACHU);
    }

    @GetMapping("/bench/cached/{name}")
    Mono<Pokemon> cached(@PathVariable String name) {
        return client.endpoint(PokemonByName.class).query(name);
    }

    @GetMapping("/bench/uncached/{name}")
    Mono<Pokemon> uncached(@PathVariable String name) {
        if (upstream == null) {
            upstream = WebClient.create("http://localhost:" + env.getProperty("local.server.port", "8080"));
        }
        return upstream.get().uri("/upstream/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }
}

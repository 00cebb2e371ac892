package dev.querycache.sample.pokedex;

import dev.querycache.QueryClient;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Three ways to serve the same JSON, for the HTTP load comparison (query-cache-benchmarks/http-load.sh):
 * a precomputed constant (the web stack's own limit), through the query cache, and straight to the
 * upstream every time.
 */
@RestController
public class BenchApi {

    private static final Pokemon PIKACHU = new Pokemon(25, "pikachu", "Pikachu", List.of("electric"),
            new Pokemon.Stats(35, 55, 40, 50, 50, 90), false);

    private final QueryClient client;
    private final UpstreamClient upstream;

    BenchApi(QueryClient client, UpstreamClient upstream) {
        this.client = client;
        this.upstream = upstream;
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
        return upstream.web().get().uri("/upstream/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }
}

package dev.querycache.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The embedded "slow upstream" the endpoint beans fetch over HTTP: answers after
 * {@code sample.upstream.latency} (default 300ms) and counts its requests.
 */
@RestController
public class UpstreamController {

    private static final Map<String, Pokemon> CATALOGUE = Map.of(
            "bulbasaur", new Pokemon(1, "bulbasaur", List.of("grass", "poison")),
            "charmander", new Pokemon(4, "charmander", List.of("fire")),
            "squirtle", new Pokemon(7, "squirtle", List.of("water")),
            "pikachu", new Pokemon(25, "pikachu", List.of("electric")),
            "eevee", new Pokemon(133, "eevee", List.of("normal")),
            "snorlax", new Pokemon(143, "snorlax", List.of("normal")),
            "mew", new Pokemon(151, "mew", List.of("psychic")));

    private final Duration latency;
    private final AtomicLong requests = new AtomicLong();

    UpstreamController(@Value("${sample.upstream.latency:300ms}") Duration latency) {
        this.latency = latency;
    }

    @GetMapping("/upstream/pokemon/{name}")
    Mono<Pokemon> pokemon(@PathVariable String name) {
        requests.incrementAndGet();
        Pokemon p = CATALOGUE.get(name);
        if (p == null) {
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no Pokémon named " + name));
        }
        return Mono.just(p).delayElement(latency);
    }

    @GetMapping("/upstream/requests")
    Map<String, Long> requests() {
        return Map.of("requests", requests.get());
    }

    long requestCount() {
        return requests.get();
    }
}

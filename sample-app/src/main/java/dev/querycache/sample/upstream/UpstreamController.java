package dev.querycache.sample.upstream;

import dev.querycache.sample.pokedex.CataloguePage;
import dev.querycache.sample.pokedex.Pokemon;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The embedded "slow upstream" that the endpoint beans fetch over real HTTP: every request waits
 * {@code sample.upstream.latency} (default 300ms) and is counted ({@code GET /upstream/requests}).
 */
@RestController
public class UpstreamController {

    private final PokemonData data;
    private final Duration latency;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, AtomicLong> requestsByResource = new java.util.concurrent.ConcurrentHashMap<>();

    UpstreamController(PokemonData data, @Value("${sample.upstream.latency:300ms}") Duration latency) {
        this.data = data;
        this.latency = latency;
    }

    private <T> Mono<T> slow(String resource, T value) {
        requests.incrementAndGet();
        requestsByResource.computeIfAbsent(resource, k -> new AtomicLong()).incrementAndGet();
        return latency.isZero() ? Mono.just(value) : Mono.just(value).delayElement(latency);
    }

    @GetMapping("/upstream/pokemon/{name}")
    Mono<Pokemon> pokemon(@PathVariable String name) {
        Pokemon p = data.byName(name);
        if (p == null) {
            requests.incrementAndGet();
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no Pokémon named " + name));
        }
        return slow("pokemon/" + name, p);
    }

    @GetMapping("/upstream/pokemon")
    Mono<CataloguePage> page(@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "20") int size) {
        if (page < 1 || size < 1 || size > 100) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "page >= 1 and 1 <= size <= 100"));
        }
        return slow("pokemon?page=" + page + "&size=" + size, data.page(page, size));
    }

    /** For the streamed-page benchmark: answers {@code key} after {@code ms} milliseconds (at most a minute). */
    @GetMapping("/upstream/slow/{ms}/{key}")
    Mono<Map<String, Object>> slowAnswer(@PathVariable int ms, @PathVariable String key) {
        if (ms < 0 || ms > 60_000) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "0 <= ms <= 60000"));
        }
        requests.incrementAndGet();
        // answeredAt: when the upstream answered (epoch ms), so that the benchmark can tell how long the page took after it
        Mono<Map<String, Object>> answer = Mono.fromSupplier(() -> Map.of("key", key, "ms", ms, "answeredAt", System.currentTimeMillis()));
        return ms == 0 ? answer : Mono.delay(Duration.ofMillis(ms)).then(answer);
    }

    /** Every Pokémon's name: what a page checks before it answers 404 for a name. */
    @GetMapping("/upstream/names")
    Mono<List<String>> names() {
        return slow("names", data.names());
    }

    @GetMapping("/upstream/types/{type}")
    Mono<List<Pokemon>> byType(@PathVariable String type) {
        return slow("types/" + type, data.byType(type));
    }

    @GetMapping("/upstream/teams/{trainer}")
    Mono<List<Pokemon>> team(@PathVariable String trainer) {
        return slow("teams/" + trainer, data.team(trainer));
    }

    @GetMapping("/upstream/favourites")
    Mono<List<Pokemon>> favourites() {
        return slow("favourites", data.favourites());
    }

    @PostMapping("/upstream/pokemon/{name}/favourite")
    Mono<Map<String, Object>> favourite(@PathVariable String name) {
        if (data.byName(name) == null) {
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no Pokémon named " + name));
        }
        return slow("favourite/" + name, Map.of("name", name, "favourite", data.toggleFavourite(name)));
    }

    @GetMapping("/upstream/requests")
    Map<String, Long> requests() {
        return Map.of("requests", requests.get());
    }

    public long requestCount() {
        return requests.get();
    }

    /** Requests for one resource, e.g. {@code "pokemon/pikachu"} or {@code "pokemon?page=2&size=20"}. */
    public long requestCount(String resource) {
        AtomicLong n = requestsByResource.get(resource);
        return n == null ? 0 : n.get();
    }
}

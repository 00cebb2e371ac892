package dev.querycache.sample.pokedex;

import dev.querycache.InfiniteData;
import dev.querycache.InfiniteEndpoint;
import dev.querycache.QueryClient;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The JSON API, mirroring the pages. Every GET carries {@code Server-Timing: cache;desc="hit|miss|dedup",
 * upstream;dur=<ms>}. Serving a catalogue page prefetches the next one, so "Load more" is instant.
 */
@RestController
public class PokedexApi {

    static final int MAX_SIZE = 50;

    private final QueryClient client;
    private final FavouriteService favourites;

    PokedexApi(QueryClient client, FavouriteService favourites) {
        this.client = client;
        this.favourites = favourites;
    }

    @GetMapping("/api/pokemon/{name}")
    Mono<ResponseEntity<Pokemon>> pokemon(@PathVariable String name) {
        var endpoint = client.endpoint(PokemonByName.class);
        CacheTiming timing = CacheTiming.before(endpoint.state(name));
        return endpoint.query(name)
                .map(p -> ResponseEntity.ok().header("Server-Timing", timing.header()).body(p))
                .onErrorMap(e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no Pokémon named " + name));
    }

    @GetMapping("/api/pokemon")
    Mono<ResponseEntity<CataloguePage>> page(@RequestParam(defaultValue = "1") int page,
                                             @RequestParam(defaultValue = "20") int size) {
        if (page < 1 || size < 1 || size > MAX_SIZE) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "page >= 1 and 1 <= size <= " + MAX_SIZE));
        }
        InfiniteEndpoint<Integer, Integer, CataloguePage> catalogue = client.infiniteEndpoint(PokemonCatalogue.class);
        boolean cached = indexOf(catalogue.state(size).data(), page) >= 0;
        CacheTiming timing = new CacheTiming(cached ? "hit" : catalogue.state(size).isFetching() ? "dedup" : "miss", System.nanoTime());
        return pageOf(catalogue, size, page).map(p -> {
            prefetchAfter(catalogue, size, p);
            return ResponseEntity.ok().header("Server-Timing", timing.header()).body(p);
        });
    }

    /** Fetches the page after {@code served} into the entry, in the background, unless it is the last or cached. */
    static void prefetchAfter(InfiniteEndpoint<Integer, Integer, CataloguePage> catalogue, int size, CataloguePage served) {
        if (served.page() < served.totalPages() && indexOf(catalogue.state(size).data(), served.page() + 1) < 0) {
            catalogue.fetchNextPage(size).subscribe(d -> { }, e -> { });
        }
    }

    /**
     * Page {@code page} of the catalogue entry, fetching forward (or backward, when maxPages dropped the
     * earlier pages) until it is cached.
     */
    static Mono<CataloguePage> pageOf(InfiniteEndpoint<Integer, Integer, CataloguePage> catalogue, int size, int page) {
        return catalogue.query(size).expand(d -> {
                    if (indexOf(d, page) >= 0 || d.pageParams().isEmpty()) {
                        return Mono.empty();
                    }
                    if (page < d.pageParams().get(0)) {
                        return catalogue.state(size).hasPreviousPage() ? catalogue.fetchPreviousPage(size) : Mono.empty();
                    }
                    if (page > d.pageParams().get(d.pageParams().size() - 1)) {
                        return catalogue.state(size).hasNextPage() ? catalogue.fetchNextPage(size) : Mono.empty();
                    }
                    return Mono.empty();
                })
                .filter(d -> indexOf(d, page) >= 0)
                .next()
                .map(d -> d.pages().get(indexOf(d, page)))
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no page " + page)));
    }

    static int indexOf(InfiniteData<CataloguePage, Integer> d, int page) {
        return d == null ? -1 : d.pageParams().indexOf(page);
    }

    @PostMapping("/api/pokemon/{name}/favourite")
    Mono<Map<String, Object>> favourite(@PathVariable String name) {
        return favourites.toggle(name).map(f -> Map.<String, Object>of("name", name, "favourite", f))
                .onErrorMap(WebClientResponseException.NotFound.class,
                        e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no Pokémon named " + name));
    }
}

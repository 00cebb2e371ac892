package dev.querycache.sample;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The JSON API, served through the query cache; {@code Server-Timing} says whether it was a hit. */
@RestController
public class PokemonApi {

    private final QueryClient client;
    private final FavouriteService favourites;

    PokemonApi(QueryClient client, FavouriteService favourites) {
        this.client = client;
        this.favourites = favourites;
    }

    @GetMapping("/api/pokemon/{name}")
    Mono<ResponseEntity<Map<String, Object>>> pokemon(@PathVariable String name) {
        var endpoint = client.endpoint(PokemonByName.class);
        boolean cached = endpoint.state(name).status() == QueryStatus.SUCCESS && !endpoint.state(name).isStale();
        long start = System.nanoTime();
        return endpoint.query(name).map(p -> ResponseEntity.ok()
                .header("Server-Timing", (cached ? "cache;desc=hit" : "cache;desc=miss") + ", total;dur="
                        + (System.nanoTime() - start) / 1_000_000.0)
                .body(Map.<String, Object>of("pokemon", p, "favourite", favourites.isFavourite(name))));
    }

    @PostMapping("/api/pokemon/{name}/favourite")
    Mono<Map<String, Object>> favourite(@PathVariable String name) {
        return favourites.favourite(name).map(added -> Map.of("name", name, "favourite", true));
    }

    @GetMapping(value = "/", produces = "text/html")
    String index() {
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>query-cache sample</title></head>
                <body><h1>query-cache sample</h1>
                <p>Every upstream request takes 300 ms. Try these twice and watch the Server-Timing header:</p>
                <ul>
                  <li><a href="/api/pokemon/pikachu">/api/pokemon/pikachu</a></li>
                  <li><a href="/api/pokemon/eevee">/api/pokemon/eevee</a></li>
                  <li><a href="/upstream/requests">/upstream/requests</a> (upstream request counter)</li>
                  <li><a href="/actuator/querycache">/actuator/querycache</a> (the cache)</li>
                </ul>
                <p>POST /api/pokemon/pikachu/favourite invalidates pikachu's entry (@InvalidatesTags).</p>
                </body></html>
                """;
    }
}

package dev.querycache.sample.pokedex;

import dev.querycache.PrefetchOptions;
import dev.querycache.spring.web.RoutePreloads;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Route preloads: what each page needs, started before its handler (and on hover, via preload.js). */
@Configuration(proxyBeanMethods = false)
public class PokedexConfiguration {

    @Bean
    RoutePreloads routePreloads() {
        return RoutePreloads.builder()
                .route("/", (vars, client) -> client.infiniteEndpoint(PokemonCatalogue.class)
                        .prefetch(PokedexPages.PAGE_SIZE, PrefetchOptions.pages(1)))
                .route("/pokemon/{name}", (vars, client) -> {
                    client.endpoint(PokemonNames.class).prefetch(null);
                    client.endpoint(PokemonByName.class).prefetch(vars.get("name"));
                })
                .route("/type/{type}", (vars, client) -> client.endpoint(PokemonByType.class).prefetch(vars.get("type")))
                // what the favourites page reads: also what a single-flight write from that page answers with
                .route("/favourites", (vars, client) -> client.endpoint(Favourites.class).prefetch(null))
                .build();
    }
}

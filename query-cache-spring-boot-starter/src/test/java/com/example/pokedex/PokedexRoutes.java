package com.example.pokedex;

import dev.querycache.spring.web.RoutePreloads;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PokedexRoutes {
    @Bean
    RoutePreloads routePreloads() {
        return RoutePreloads.builder()
                .route("/pokemon/{name}", (vars, client) -> client.endpoint(PokemonByName.class).prefetch(vars.get("name")))
                .build();
    }
}

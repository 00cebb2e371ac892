package com.example.pokedex;

import dev.querycache.QueryClient;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.web.QueryScopeWebFilter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
class PokemonPage {
    private final QueryClient client;
    private final DehydratedStateJson stateJson;

    PokemonPage(QueryClient client, DehydratedStateJson stateJson) {
        this.client = client;
        this.stateJson = stateJson;
    }

    @GetMapping(value = "/pokemon/{name}", produces = "text/html")
    Mono<String> page(@PathVariable String name, ServerWebExchange exchange) {
        return client.endpoint(PokemonByName.class).query(name)
                .map(p -> "<h1>" + p.name() + "</h1>" + stateJson.scriptElement(QueryScopeWebFilter.request(exchange)));
    }
}

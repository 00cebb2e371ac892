package com.example.pokedex;

import dev.querycache.QueryClient;
import dev.querycache.spring.web.StreamedPage;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

@Controller
class StreamedPokemonPage {
    private final QueryClient client;

    StreamedPokemonPage(QueryClient client) {
        this.client = client;
    }

    @GetMapping("/streamed/pokemon/{name}")
    StreamedPage page(@PathVariable String name) {
        return StreamedPage.view("pokemon")                                   // templates/pokemon.html
                .with("name", name)                                            // a plain model attribute
                .pending("pokemon", client.endpoint(PokemonByName.class), name);   // streamed unless cached
    }
}

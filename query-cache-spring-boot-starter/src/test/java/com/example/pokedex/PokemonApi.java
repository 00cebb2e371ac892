package com.example.pokedex;

import dev.querycache.QueryClient;
import dev.querycache.spring.InvalidatesTags;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class PokemonApi {
    private final QueryClient client;
    private final FavouriteService favourites;

    PokemonApi(QueryClient client, FavouriteService favourites) {
        this.client = client;
        this.favourites = favourites;
    }

    @GetMapping("/api/pokemon/{name}")
    Mono<Pokemon> pokemon(@PathVariable String name) {
        return client.endpoint(PokemonByName.class).query(name);
    }

    @PostMapping("/api/pokemon/{name}/favourite")
    Mono<Void> favourite(@PathVariable String name) {
        return favourites.favourite(name);   // through the bean, so @InvalidatesTags applies
    }
}

@Service
class FavouriteService {
    @InvalidatesTags(type = "Pokemon", id = "#name")   // SpEL over the parameters; repeatable
    public Mono<Void> favourite(String name) {
        return Mono.empty();                            // your write; invalidated when it completes, never on error
    }
}

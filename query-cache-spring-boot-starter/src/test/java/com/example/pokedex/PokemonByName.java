package com.example.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

record Pokemon(String name, int id) {}

@Component
@QueryEndpoint(keepUnusedDataFor = "5m", tags = "Pokemon")
public class PokemonByName implements QueryFetcher<String, Pokemon> {
    private final WebClient upstream;

    public PokemonByName(@Value("${pokeapi.url:https://pokeapi.co/api/v2}") String url) {
        this.upstream = WebClient.create(url);
    }

    @Override
    public Mono<Pokemon> fetch(String name) {
        return upstream.get().uri("/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }

    @Override
    public Set<Tag> providesTags(String name, Pokemon p) {
        return Set.of(Tag.of("Pokemon", name));
    }
}

package dev.querycache.sample.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** One Pokémon by name. */
@Component
@QueryEndpoint(keepUnusedDataFor = "5m", tags = "Pokemon")
public class PokemonByName implements QueryFetcher<String, Pokemon> {

    private final UpstreamClient upstream;

    PokemonByName(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<Pokemon> fetch(String name) {
        return upstream.web().get().uri("/upstream/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }

    @Override
    public Set<Tag> providesTags(String name, Pokemon result) {
        return Set.of(Tag.of("Pokemon", name));
    }
}

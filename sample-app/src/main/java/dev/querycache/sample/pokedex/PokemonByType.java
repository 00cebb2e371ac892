package dev.querycache.sample.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Every Pokémon of a type; provides each member's tag, so favouriting one refreshes its type lists. */
@Component
@QueryEndpoint(keepUnusedDataFor = "5m", tags = "Type")
public class PokemonByType implements QueryFetcher<String, List<Pokemon>> {

    private final UpstreamClient upstream;

    PokemonByType(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<List<Pokemon>> fetch(String type) {
        return upstream.web().get().uri("/upstream/types/{type}", type).retrieve()
                .bodyToMono(new ParameterizedTypeReference<List<Pokemon>>() { });
    }

    @Override
    public Set<Tag> providesTags(String type, List<Pokemon> result) {
        Set<Tag> tags = new HashSet<>();
        tags.add(Tag.of("Type", type));
        result.forEach(p -> tags.add(Tag.of("Pokemon", p.name())));
        return tags;
    }
}

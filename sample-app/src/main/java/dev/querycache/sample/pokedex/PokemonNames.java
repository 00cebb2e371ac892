package dev.querycache.sample.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import java.util.List;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Every Pokémon's name (no arg), cached for long: the one query the Pokémon page awaits before its first byte,
 * so that an unknown name answers 404 while a known one streams its details.
 */
@Component
@QueryEndpoint(name = "pokemonNames", staleTime = "1h", keepUnusedDataFor = "1h")
public class PokemonNames implements QueryFetcher<Void, List<String>> {

    private final UpstreamClient upstream;

    PokemonNames(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<List<String>> fetch(Void none) {
        return upstream.web().get().uri("/upstream/names").retrieve()
                .bodyToMono(new ParameterizedTypeReference<List<String>>() { });
    }
}

package dev.querycache.sample.pokedex;

import dev.querycache.spring.InvalidatesTags;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The mutation: toggling a favourite upstream invalidates that Pokémon's entries (and the lists holding it) and the favourites. */
@Service
public class FavouriteService {

    private final UpstreamClient upstream;

    FavouriteService(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @InvalidatesTags(type = "Pokemon", id = "#name")
    @InvalidatesTags("Favourites")
    public Mono<Boolean> toggle(String name) {
        return upstream.web().post().uri("/upstream/pokemon/{name}/favourite", name).retrieve()
                .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() { })
                .map(m -> Boolean.TRUE.equals(m.get("favourite")));
    }
}

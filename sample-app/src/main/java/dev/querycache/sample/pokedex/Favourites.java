package dev.querycache.sample.pokedex;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import java.util.List;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The favourites (no arg): read by the favourites page's TanStack Query island with the key
 * {@code ["favourites", null]}, invalidated by {@link FavouriteService#toggle}.
 */
@Component
@QueryEndpoint(name = "favourites", tags = "Favourites")
public class Favourites implements QueryFetcher<Void, List<Pokemon>> {

    private final UpstreamClient upstream;

    Favourites(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Mono<List<Pokemon>> fetch(Void none) {
        return upstream.web().get().uri("/upstream/favourites").retrieve()
                .bodyToMono(new ParameterizedTypeReference<List<Pokemon>>() { });
    }
}

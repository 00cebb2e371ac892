package dev.querycache.sample;

import dev.querycache.spring.InvalidatesTags;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A mutation: favouriting a Pokémon invalidates its cache entry. */
@Service
public class FavouriteService {

    private final Set<String> favourites = ConcurrentHashMap.newKeySet();

    @InvalidatesTags(type = "Pokemon", id = "#name")
    public Mono<Boolean> favourite(String name) {
        return Mono.fromSupplier(() -> favourites.add(name));
    }

    public boolean isFavourite(String name) {
        return favourites.contains(name);
    }
}

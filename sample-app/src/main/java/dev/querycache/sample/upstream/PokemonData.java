package dev.querycache.sample.upstream;

import dev.querycache.sample.pokedex.CataloguePage;
import dev.querycache.sample.pokedex.Pokemon;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The 151 original Pokémon (data/pokemon.json) and the favourites: the upstream's "database". */
@Component
public class PokemonData {

    private final Map<String, Pokemon> byName = new LinkedHashMap<>();
    private final Set<String> favourites = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> teams = new ConcurrentHashMap<>(Map.of(
            "ash", List.of("pikachu", "charizard", "bulbasaur"),
            "misty", List.of("staryu", "starmie", "psyduck"),
            "brock", List.of("onix", "geodude", "vulpix")));

    public PokemonData() throws IOException {
        try (InputStream in = new ClassPathResource("data/pokemon.json").getInputStream()) {
            List<Pokemon> all = JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build()   // no "favourite" in the file
                    .readValue(in, new TypeReference<List<Pokemon>>() { });
            all.forEach(p -> byName.put(p.name(), p));
        }
    }

    public Pokemon byName(String name) {
        Pokemon p = byName.get(name);
        return p == null ? null : p.withFavourite(favourites.contains(name));
    }

    public CataloguePage page(int page, int size) {
        List<Pokemon> all = new ArrayList<>(byName.values());
        int from = Math.min((page - 1) * size, all.size());
        int to = Math.min(from + size, all.size());
        List<Pokemon> items = all.subList(from, to).stream().map(p -> p.withFavourite(favourites.contains(p.name()))).toList();
        return new CataloguePage(items, page, size, all.size(), (all.size() + size - 1) / size);
    }

    public List<Pokemon> byType(String type) {
        return byName.values().stream().filter(p -> p.types().contains(type))
                .map(p -> p.withFavourite(favourites.contains(p.name()))).toList();
    }

    /** A trainer's team. */
    public List<Pokemon> team(String trainer) {
        return teams.getOrDefault(trainer, List.of()).stream().map(this::byName).toList();
    }

    /** Every Pokémon's name. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public List<String> types() {
        return byName.values().stream().flatMap(p -> p.types().stream()).distinct().sorted().toList();
    }

    /** The favourites, by number. */
    public List<Pokemon> favourites() {
        return favourites.stream().map(this::byName).filter(java.util.Objects::nonNull)
                .sorted(java.util.Comparator.comparingInt(Pokemon::id)).toList();
    }

    /** Toggles the favourite; returns the new state. */
    public boolean toggleFavourite(String name) {
        if (favourites.remove(name)) {
            return false;
        }
        favourites.add(name);
        return true;
    }
}

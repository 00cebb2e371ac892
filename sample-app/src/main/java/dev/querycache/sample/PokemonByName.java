package dev.querycache.sample;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.Set;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** One Pokémon by name, fetched from the upstream over HTTP ({@code sample.upstream.base-url}). */
@Component
@QueryEndpoint(keepUnusedDataFor = "5m", tags = "Pokemon")
public class PokemonByName implements QueryFetcher<String, Pokemon> {

    private final Environment env;
    private volatile WebClient upstream;

    PokemonByName(Environment env) {
        this.env = env;
    }

    @Override
    public Mono<Pokemon> fetch(String name) {
        return upstream().get().uri("/upstream/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }

    @Override
    public Set<Tag> providesTags(String name, Pokemon result) {
        return Set.of(Tag.of("Pokemon", name));
    }

    private WebClient upstream() {
        if (upstream == null) {
            String base = env.getProperty("sample.upstream.base-url",
                    "http://localhost:" + env.getProperty("local.server.port", "8080"));
            upstream = WebClient.create(base);
        }
        return upstream;
    }
}

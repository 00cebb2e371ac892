package dev.querycache.spring.it;

import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import dev.querycache.spring.InvalidatesTags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** A small app as a user would write it: endpoint beans fetching a (local) upstream over real HTTP. */
@SpringBootApplication
public class PokedexTestApplication {

    public record Pokemon(String name, int version, boolean favourite) {
    }

    /** The "slow upstream", served by the app itself; counts requests per path. */
    @RestController
    public static class Upstream {
        final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        final Set<String> favourites = ConcurrentHashMap.newKeySet();

        @GetMapping("/upstream/pokemon/{name}")
        Mono<Pokemon> pokemon(@PathVariable String name) {
            int n = hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            return Mono.just(new Pokemon(name, n, favourites.contains(name))).delayElement(Duration.ofMillis(100));
        }

        @GetMapping("/upstream/types")
        Mono<List<String>> types() {
            hits.computeIfAbsent("types", k -> new AtomicInteger()).incrementAndGet();
            return Mono.just(List.of("electric", "normal"));
        }

        int hits(String key) {
            AtomicInteger n = hits.get(key);
            return n == null ? 0 : n.get();
        }
    }

    /** Fetches the upstream of this very server, over HTTP. */
    abstract static class UpstreamFetcher {
        private final Environment env;
        private volatile WebClient web;

        UpstreamFetcher(Environment env) {
            this.env = env;
        }

        WebClient web() {
            if (web == null) {
                web = WebClient.create("http://localhost:" + env.getRequiredProperty("local.server.port"));
            }
            return web;
        }
    }

    @Component
    @QueryEndpoint(name = "pokemon", tags = "Pokemon")
    public static class PokemonFetcher extends UpstreamFetcher implements QueryFetcher<String, Pokemon> {
        PokemonFetcher(Environment env) {
            super(env);
        }

        @Override
        public Mono<Pokemon> fetch(String name) {
            return web().get().uri("/upstream/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
        }

        @Override
        public Set<Tag> providesTags(String name, Pokemon result) {
            return Set.of(Tag.of("Pokemon", name));
        }
    }

    @Component("typesFetcher")
    @QueryEndpoint
    public static class TypesFetcher extends UpstreamFetcher implements QueryFetcher<Void, List<String>> {
        TypesFetcher(Environment env) {
            super(env);
        }

        @Override
        public Mono<List<String>> fetch(Void arg) {
            return web().get().uri("/upstream/types").retrieve().bodyToMono(new org.springframework.core.ParameterizedTypeReference<List<String>>() { });
        }
    }

    @Service
    public static class FavouriteService {
        private final Upstream upstream;

        FavouriteService(Upstream upstream) {
            this.upstream = upstream;
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public Mono<Void> favourite(String name) {
            return Mono.fromRunnable(() -> upstream.favourites.add(name));
        }
    }

    @RestController
    public static class Api {
        private final QueryClient client;
        private final FavouriteService favourites;

        Api(QueryClient client, FavouriteService favourites) {
            this.client = client;
            this.favourites = favourites;
        }

        @GetMapping("/pokemon/{name}")
        Mono<Pokemon> pokemon(@PathVariable String name) {
            return client.endpoint(PokemonFetcher.class).query(name);
        }

        @GetMapping("/types")
        Mono<List<String>> types() {
            return client.endpoint(TypesFetcher.class).query(null);
        }

        @PostMapping("/pokemon/{name}/favourite")
        Mono<Void> favourite(@PathVariable String name) {
            return favourites.favourite(name);
        }
    }
}

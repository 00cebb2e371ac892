package com.example.plain;

import dev.querycache.DehydratedState;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryState;
import dev.querycache.QuerySubscription;
import dev.querycache.SubscribeOptions;
import dev.querycache.Tag;
import java.time.Duration;
import java.util.Set;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

record Pokemon(String name, int id) {}

@QueryEndpoint(keepUnusedDataFor = "60s", staleTime = "5m", tags = "Pokemon")
class PokemonByName implements QueryFetcher<String, Pokemon> {
    private final WebClient upstream;
    PokemonByName(WebClient upstream) { this.upstream = upstream; }

    @Override
    public Mono<Pokemon> fetch(String name) {
        return upstream.get().uri("/pokemon/{name}", name).retrieve().bodyToMono(Pokemon.class);
    }

    @Override
    public Set<Tag> providesTags(String name, Pokemon p) {
        return Set.of(Tag.of("Pokemon", name));
    }
}

class PlainJavaExample {
    static void run(WebClient webClient) {
        QueryClient client = QueryClient.builder()
                .endpoint(new PokemonByName(webClient))                  // name "pokemonByName"
                .defaults(EndpointOptions.builder().retries(2).build())
                .build();

        Endpoint<String, Pokemon> pokemon = client.endpoint(PokemonByName.class);
        Mono<Pokemon> p = pokemon.query("pikachu");   // hit, join the running fetch, or fetch
        pokemon.prefetch("raichu");                    // fire and forget, no subscription
        try (QuerySubscription<Pokemon> sub = pokemon.subscribe("pikachu",
                SubscribeOptions.pollingInterval(Duration.ofSeconds(30)))) {
            Pokemon now = sub.result().block();        // pinned, polled, refetched on invalidation
        }
        Flux<QueryState<Pokemon>> live = pokemon.watch("pikachu");   // a subscription for the life of the Flux
        client.invalidateTags(Tag.of("Pokemon", "pikachu"));
        DehydratedState state = client.dehydrate();    // the whole cache, for the next process
        client.close();
    }
}

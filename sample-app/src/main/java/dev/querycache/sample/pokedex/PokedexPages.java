package dev.querycache.sample.pokedex;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.sample.upstream.UpstreamController;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.web.QueryScopeWebFilter;
import dev.querycache.spring.web.StreamedPage;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The server-rendered pages (Thymeleaf): the list, a Pokémon and a type (both streamed: {@link StreamedPage}), my
 * team, the favourites, and a Pokémon's live view.
 */
@Controller
public class PokedexPages {

    static final int PAGE_SIZE = 20;

    private final QueryClient client;
    private final DehydratedStateJson stateJson;
    private final UpstreamController upstream;

    PokedexPages(QueryClient client, DehydratedStateJson stateJson, UpstreamController upstream) {
        this.client = client;
        this.stateJson = stateJson;
        this.upstream = upstream;
    }

    @GetMapping("/")
    Mono<String> list(Model model, org.springframework.web.server.ServerWebExchange exchange) {
        var catalogue = client.infiniteEndpoint(PokemonCatalogue.class);
        return PokedexApi.pageOf(catalogue, PAGE_SIZE, 1).map(first -> {
            PokedexApi.prefetchAfter(catalogue, PAGE_SIZE, first);   // Load more will be instant
            model.addAttribute("page", first);
            model.addAttribute("pageSize", PAGE_SIZE);
            model.addAttribute("upstreamRequests", upstream.requestCount());
            model.addAttribute("state", stateJson.scriptElement(QueryScopeWebFilter.request(exchange)));   // this request's own
            return "list";
        });
    }

    /**
     * A Pokémon, streamed: the name is checked against every known name first (one cached query, so an unknown
     * name is a 404 before the first byte); then the shell with the name goes out at once, and the details
     * (types, stats, favourite) follow in the same response when the upstream answers. A cached Pokémon
     * renders whole.
     */
    @GetMapping("/pokemon/{name}")
    Mono<StreamedPage> pokemon(@PathVariable String name) {
        return client.endpoint(PokemonNames.class).query(null).map(names -> {
            if (!names.contains(name)) {
                throw new org.springframework.web.server.ResponseStatusException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "no Pokémon named " + name);
            }
            return StreamedPage.view("pokemon")
                    .with("name", name)
                    .with("upstreamRequests", upstream.requestCount())
                    .pending("pokemon", client.endpoint(PokemonByName.class), name);
        });
    }

    /** "My team": per user (PRINCIPAL); Spring Security makes sure a trainer is signed in. */
    @GetMapping("/team")
    Mono<String> team(Model model, org.springframework.web.server.ServerWebExchange exchange) {
        String user = QueryScopeWebFilter.principal(exchange);
        model.addAttribute("user", user);
        model.addAttribute("upstreamRequests", upstream.requestCount());
        return client.endpoint(MyTeam.class).query("current").map(team -> {
            model.addAttribute("team", team);
            model.addAttribute("state", stateJson.scriptElement(QueryScopeWebFilter.request(exchange)));   // this request's own
            return "team";
        });
    }

    /**
     * The favourites, a client island: the server reads them (so the page state holds them, in TanStack
     * Query's format), and the browser's TanStack {@code QueryClient} starts from that state, with no request,
     * and refetches when the server announces that a toggle invalidated them.
     */
    @GetMapping("/favourites")
    Mono<String> favourites(Model model, org.springframework.web.server.ServerWebExchange exchange) {
        model.addAttribute("upstreamRequests", upstream.requestCount());
        return client.endpoint(Favourites.class).query(null).defaultIfEmpty(java.util.List.of()).map(list -> {
            model.addAttribute("count", list.size());
            model.addAttribute("state", stateJson.scriptElement(QueryScopeWebFilter.request(exchange)));
            return "favourites";
        });
    }

    /** A type's Pokémon, streamed: the heading at once, the table when the upstream answers. */
    @GetMapping("/type/{type}")
    StreamedPage type(@PathVariable String type) {
        return StreamedPage.view("type")
                .with("type", type)
                .with("upstreamRequests", upstream.requestCount())
                .pending("members", client.endpoint(PokemonByType.class), type);
    }

    /** Server-sent events from {@code watch}: a subscription that lives while the page is open. */
    @GetMapping(value = "/pokemon/{name}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    Flux<ServerSentEvent<Map<String, Object>>> live(@PathVariable String name) {
        Flux<ServerSentEvent<Map<String, Object>>> states = client.endpoint(PokemonByName.class).watch(name)
                .filter(s -> s.data() != null)
                .map(s -> ServerSentEvent.<Map<String, Object>>builder(Map.of(
                        "favourite", s.data().favourite(),
                        "fetching", s.isFetching(),
                        "status", s.status() == QueryStatus.SUCCESS ? "fresh" : s.status().name().toLowerCase())).event("state").build());
        Flux<ServerSentEvent<Map<String, Object>>> heartbeat = Flux.interval(Duration.ofSeconds(15))
                .map(i -> ServerSentEvent.<Map<String, Object>>builder().comment("keep-alive").build());
        return Flux.merge(states, heartbeat);
    }
}

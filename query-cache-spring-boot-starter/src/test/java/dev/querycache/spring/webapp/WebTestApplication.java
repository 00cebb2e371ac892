package dev.querycache.spring.webapp;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryClient;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.web.RoutePreloads;
import dev.querycache.spring.web.QueryScopeWebFilter;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A small server-rendered app on a slow (in-process) upstream, for the web tests. */
@SpringBootApplication
public class WebTestApplication {

    static final Duration LATENCY = Duration.ofMillis(400);

    public record Pokemon(String name, int id) {
    }

    public record Species(String name, String habitat) {
    }

    public record SearchQuery(String type, int limit) {
    }

    /** The slow upstream: counts calls per key. */
    @Component
    public static class Upstream {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        <T> Mono<T> call(String key, T value) {
            return Mono.defer(() -> {
                calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                return Mono.just(value).delayElement(LATENCY);
            });
        }

        int calls(String key) {
            AtomicInteger n = calls.get(key);
            return n == null ? 0 : n.get();
        }

        void reset() {
            calls.clear();
        }
    }

    @Component("pokemon")
    @QueryEndpoint(tags = "Pokemon")
    public static class PokemonFetcher implements QueryFetcher<String, Pokemon> {
        private final Upstream upstream;

        PokemonFetcher(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Mono<Pokemon> fetch(String name) {
            return upstream.call("pokemon:" + name, new Pokemon(name, name.length()));
        }

        @Override
        public Set<Tag> providesTags(String name, Pokemon result) {
            return Set.of(Tag.of("Pokemon", name));
        }
    }

    @Component("species")
    @QueryEndpoint
    public static class SpeciesFetcher implements QueryFetcher<String, Species> {
        private final Upstream upstream;

        SpeciesFetcher(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Mono<Species> fetch(String name) {
            return upstream.call("species:" + name, new Species(name, "forest"));
        }
    }

    @Component("search")
    @QueryEndpoint
    public static class SearchFetcher implements QueryFetcher<SearchQuery, List<String>> {
        private final Upstream upstream;

        SearchFetcher(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Mono<List<String>> fetch(SearchQuery q) {
            return upstream.call("search:" + q.type(), List.of(q.type() + "-1", q.type() + "-2"));
        }
    }

    /** Values of {@code arg} megabytes of JSON, generated as they are written: the value itself is a few bytes. */
    @Component("bulk")
    @QueryEndpoint
    public static class BulkFetcher implements QueryFetcher<Integer, List<String>> {
        @Override
        public Mono<List<String>> fetch(Integer megabytes) {
            String line = "x".repeat(1021);   // with its quotes and comma, 1 KB of JSON
            return Mono.just(new java.util.AbstractList<String>() {
                @Override
                public String get(int index) {
                    return line;
                }

                @Override
                public int size() {
                    return megabytes * 1024;
                }
            });
        }
    }

    @Component("catalogue")
    @InfiniteQueryEndpoint
    public static class CatalogueFetcher implements InfiniteQueryFetcher<String, Integer, List<Integer>> {
        private final Upstream upstream;

        CatalogueFetcher(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Integer initialPageParam() {
            return 0;
        }

        @Override
        public Mono<List<Integer>> fetchPage(String arg, Integer page) {
            return upstream.call("catalogue:" + page, List.of(page * 10, page * 10 + 1));
        }

        @Override
        public Integer getNextPageParam(List<Integer> last, List<List<Integer>> all, Integer lastParam, List<Integer> params) {
            return lastParam < 20 ? lastParam + 1 : null;
        }
    }

    /** "My team": per user; the fetcher reads the caller from its Context. */
    @Component("myTeam")
    @QueryEndpoint(scope = dev.querycache.QueryScope.PRINCIPAL, tags = "Team")
    public static class MyTeam implements QueryFetcher<String, List<String>> {
        private final Upstream upstream;

        MyTeam(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Mono<List<String>> fetch(String season) {
            return Mono.deferContextual(ctx -> {
                String user = dev.querycache.QueryScopes.principal(ctx);
                return upstream.call("team:" + user, List.of(user + "-pick-1", user + "-pick-2"));
            });
        }
    }

    /** A caller's notes (PRINCIPAL): written by handlers that read their request body first. */
    @Component("notes")
    @QueryEndpoint(scope = dev.querycache.QueryScope.PRINCIPAL, tags = "Note")
    public static class Notes implements QueryFetcher<String, String> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public Mono<String> fetch(String id) {
            return Mono.deferContextual(ctx -> {
                String user = dev.querycache.QueryScopes.principal(ctx);
                int n = calls.computeIfAbsent(user + ":" + id, k -> new AtomicInteger()).incrementAndGet();
                return Mono.just(user + "'s note " + id + " #" + n);
            });
        }
    }

    /** Per request: read twice in one request, fetched once, gone afterwards. */
    @Component("requestNonce")
    @QueryEndpoint(scope = dev.querycache.QueryScope.REQUEST)
    public static class RequestNonce implements QueryFetcher<String, String> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Mono<String> fetch(String arg) {
            return Mono.fromSupplier(() -> "nonce-" + calls.incrementAndGet());
        }
    }

    /** Stands in for Spring Security (same order, -100): the caller comes from the X-User header. */
    @Bean
    org.springframework.web.server.WebFilter testPrincipalFromHeader() {
        abstract class OrderedFilter implements org.springframework.web.server.WebFilter, org.springframework.core.Ordered {
            @Override
            public int getOrder() {
                return -100;
            }
        }
        return new OrderedFilter() {
            @Override
            public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
                                     org.springframework.web.server.WebFilterChain chain) {
                String user = exchange.getRequest().getHeaders().getFirst("X-User");
                if (user == null) {
                    return chain.filter(exchange);
                }
                java.security.Principal principal = () -> user;
                // resolved asynchronously, as Spring Security's session lookup is
                return chain.filter(exchange.mutate()
                        .principal(Mono.just(principal).delayElement(Duration.ofMillis(2))).build());
            }
        };
    }

    @Bean
    RoutePreloads routePreloads() {
        return RoutePreloads.builder()
                .route("/pokemon/{name}", (vars, client) -> client.endpoint(PokemonFetcher.class).prefetch(vars.get("name")))
                .route("/preload-only/{name}", (vars, client) -> client.endpoint(PokemonFetcher.class).prefetch(vars.get("name")))
                .route("/team", (vars, client) -> client.endpoint(MyTeam.class).prefetch("2026"))
                .route("/page/{name}", (vars, client) -> {
                    client.endpoint(PokemonFetcher.class).prefetch(vars.get("name"));
                    client.endpoint(SpeciesFetcher.class).prefetch(vars.get("name"));
                })
                .build();
    }

    /** Server-rendered pages. */
    @RestController
    public static class Pages {
        private final QueryClient client;
        private final DehydratedStateJson stateJson;

        Pages(QueryClient client, DehydratedStateJson stateJson) {
            this.client = client;
            this.stateJson = stateJson;
        }

        /** Like the index, but the page carries Spring Security's CSRF token as meta tags. */
        @GetMapping(value = "/with-csrf", produces = MediaType.TEXT_HTML_VALUE)
        String withCsrf() {
            return """
                    <!doctype html><html><head><meta charset="utf-8"><title>csrf</title>
                    <meta name="_csrf" content="token-123"><meta name="_csrf_header" content="X-XSRF-CHECK"></head><body>
                    <h1>Pokédex</h1>
                    <p><a id="pikachu" href="/pokemon/pikachu">Pikachu</a></p>
                    <script src="/_query/preload.js"></script>
                    </body></html>
                    """;
        }

        /** A page that, loaded from another origin, tries to drive the cache with a request needing no preflight. */
        @GetMapping(value = "/attacker", produces = MediaType.TEXT_HTML_VALUE)
        String attacker(@org.springframework.web.bind.annotation.RequestParam String target) {
            return """
                    <!doctype html><html><head><meta charset="utf-8"><title>attacker</title></head><body>
                    <script>
                      window.done = false;
                      fetch("TARGET/_query/preload", { method: "POST", mode: "no-cors", credentials: "include",
                          headers: { "Content-Type": "text/plain" }, body: JSON.stringify({ path: "/pokemon/mew" }) })
                        .finally(function () { window.done = true; });
                    </script></body></html>
                    """.replace("TARGET", target.replaceAll("[^a-zA-Z0-9:/.]", ""));
        }

        @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
        String index() {
            return """
                    <!doctype html><html><head><meta charset="utf-8"><title>index</title></head><body>
                    <h1>Pokédex</h1>
                    <p><a id="pikachu" href="/pokemon/pikachu">Pikachu</a></p>
                    <p style="margin-top:80px"><a id="eevee" href="/pokemon/eevee" data-preload="false">Eevee (no preload)</a></p>
                    <p style="margin-top:80px"><a id="away" href="https://example.invalid/pokemon/mew">elsewhere</a></p>
                    <p style="margin-top:80px"><a id="bulbasaur" href="/pokemon/bulbasaur">Bulbasaur</a></p>
                    <script src="/_query/preload.js"></script>
                    </body></html>
                    """;
        }

        /** Writes that invalidate a Pokémon, answered in JSON, text and nothing, for single-flight writes. */
        static final java.util.concurrent.atomic.AtomicInteger WRITES = new java.util.concurrent.atomic.AtomicInteger();

        @org.springframework.web.bind.annotation.PostMapping(value = "/pokemon/{name}/touch", produces = MediaType.APPLICATION_JSON_VALUE)
        Mono<Map<String, Object>> touch(@org.springframework.web.bind.annotation.PathVariable String name) {
            WRITES.incrementAndGet();
            client.invalidateTags(dev.querycache.Tag.of("Pokemon", name));
            return Mono.just(Map.of("touched", name));
        }

        @org.springframework.web.bind.annotation.PostMapping(value = "/pokemon/{name}/touch-text", produces = MediaType.TEXT_PLAIN_VALUE)
        Mono<String> touchText(@org.springframework.web.bind.annotation.PathVariable String name) {
            WRITES.incrementAndGet();
            client.invalidateTags(dev.querycache.Tag.of("Pokemon", name));
            return Mono.just("touched " + name);
        }

        @org.springframework.web.bind.annotation.PostMapping("/pokemon/{name}/touch-quietly")
        @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NO_CONTENT)
        Mono<Void> touchQuietly(@org.springframework.web.bind.annotation.PathVariable String name) {
            WRITES.incrementAndGet();
            client.invalidateTags(dev.querycache.Tag.of("Pokemon", name));
            return Mono.empty();
        }

        /** The most common write handler: the body is decoded first, then a synchronous write. */
        @org.springframework.web.bind.annotation.PostMapping("/notes/{id}")
        Mono<String> writeNote(@org.springframework.web.bind.annotation.PathVariable String id,
                               @org.springframework.web.bind.annotation.RequestBody String body) {
            client.endpoint(Notes.class).setData(id, body);
            return Mono.just("written");
        }

        @org.springframework.web.bind.annotation.PostMapping("/notes/{id}/invalidate")
        Mono<String> invalidateNote(@org.springframework.web.bind.annotation.PathVariable String id,
                                    @org.springframework.web.bind.annotation.RequestBody String ignored) {
            client.endpoint(Notes.class).invalidate(id);
            return Mono.just("invalidated");
        }

        @GetMapping("/notes/{id}")
        Mono<String> readNote(@org.springframework.web.bind.annotation.PathVariable String id) {
            return client.endpoint(Notes.class).query(id);
        }

        /** A synchronous read, answered "no caller" when there is none. */
        @GetMapping("/notes/{id}/state")
        Mono<String> noteState(@org.springframework.web.bind.annotation.PathVariable String id) {
            return Mono.fromCallable(() -> String.valueOf(client.endpoint(Notes.class).state(id).data()))
                    .onErrorResume(IllegalStateException.class, e -> Mono.just("no caller"));
        }

        /** Reads a shared entry after an asynchronous hop; the page state must still hold it. */
        @GetMapping(value = "/later/{name}", produces = MediaType.TEXT_HTML_VALUE)
        Mono<String> later(@org.springframework.web.bind.annotation.PathVariable String name,
                           org.springframework.web.server.ServerWebExchange exchange) {
            return Mono.delay(Duration.ofMillis(20))
                    .flatMap(x -> client.endpoint(PokemonFetcher.class).query(name))
                    .flatMap(p -> Mono.delay(Duration.ofMillis(5)).thenReturn(p))
                    .map(p -> p.name() + stateJson.scriptElement(
                            dev.querycache.spring.web.QueryScopeWebFilter.request(exchange)));
        }

        /** Per-user data as JSON. */
        @GetMapping("/api/team")
        Mono<List<String>> team() {
            return client.endpoint(MyTeam.class).query("2026");
        }

        /** A page with shared and per-user data, embedding only this request's state. */
        @GetMapping(value = "/team", produces = MediaType.TEXT_HTML_VALUE)
        Mono<String> teamPage(org.springframework.web.server.ServerWebExchange exchange) {
            return client.endpoint(PokemonFetcher.class).query("pikachu")
                    .zipWith(client.endpoint(MyTeam.class).query("2026"))
                    .map(t -> "<!doctype html><html><body><h1>" + t.getT2() + "</h1>"
                            + stateJson.scriptElement(QueryScopeWebFilter.request(exchange)) + "</body></html>");
        }

        /** Reads a REQUEST endpoint twice in one request. */
        @GetMapping("/api/nonce-twice")
        Mono<String> nonceTwice() {
            var nonce = client.endpoint(RequestNonce.class);
            return nonce.query("n").zipWith(nonce.query("n"), (x, y) -> x + "," + y);
        }

        /** A page that needs one query; rendered with the dehydrated state of that entry. */
        @GetMapping(value = "/pokemon/{name}", produces = MediaType.TEXT_HTML_VALUE)
        Mono<String> pokemon(@PathVariable String name) {
            return client.endpoint(PokemonFetcher.class).query(name).map(p ->
                    "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + p.name() + "</title></head><body>"
                            + "<h1 id=\"name\">" + p.name() + "</h1><p>#" + p.id() + "</p>"
                            + stateJson.scriptElement(client.dehydrate()) + "</body></html>");
        }

        /** A page whose handler needs two slow queries, one after the other (a waterfall without preloads). */
        @GetMapping({"/page/{name}", "/waterfall/{name}"})
        Mono<ResponseEntity<String>> page(@PathVariable String name) {
            boolean pokemonRunning = client.endpoint(PokemonFetcher.class).state(name).isFetching();
            boolean speciesRunning = client.endpoint(SpeciesFetcher.class).state(name).isFetching();
            long start = System.nanoTime();
            return client.endpoint(PokemonFetcher.class).query(name)
                    .flatMap(p -> client.endpoint(SpeciesFetcher.class).query(name).map(s -> p.name() + " lives in " + s.habitat()))
                    .map(body -> ResponseEntity.ok()
                            .header("X-Both-Running-At-Handler-Start", String.valueOf(pokemonRunning && speciesRunning))
                            .header("X-Handler-Millis", String.valueOf((System.nanoTime() - start) / 1_000_000))
                            .body(body));
        }
    }
}

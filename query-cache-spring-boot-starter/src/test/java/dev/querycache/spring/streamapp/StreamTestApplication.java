package dev.querycache.spring.streamapp;

import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.spring.web.RoutePreloads;
import dev.querycache.spring.web.StreamedPage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Streamed pages over upstreams the test answers by hand ({@link Gates}): each fetch of {@code item} or
 * {@code mine} waits until the test releases or fails its arg, so a test knows what has settled when.
 */
@SpringBootApplication
public class StreamTestApplication {

    /** An upstream's answer. */
    public record Item(String name, String note) {
    }

    /** The upstream: one gate per key, opened by the test. Counts fetches per key. */
    @Component
    public static class Gates {
        private final Map<String, Sinks.One<Item>> gates = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

        Mono<Item> await(String key) {
            fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return gate(key).asMono();
        }

        private Sinks.One<Item> gate(String key) {
            return gates.computeIfAbsent(key, k -> Sinks.one());
        }

        public void release(String key, String note) {
            gate(key).tryEmitValue(new Item(key, note));
        }

        public void fail(String key) {
            gate(key).tryEmitError(new IllegalStateException("secret upstream detail: db password=hunter2"));
        }

        public int fetches(String key) {
            AtomicInteger n = fetches.get(key);
            return n == null ? 0 : n.get();
        }

        public void reset() {
            gates.clear();
            fetches.clear();
        }
    }

    @Component("pokemon")
    @QueryEndpoint(keepUnusedDataFor = "10m")
    public static class ItemFetcher implements QueryFetcher<String, Item> {
        private final Gates gates;

        ItemFetcher(Gates gates) {
            this.gates = gates;
        }

        @Override
        public Mono<Item> fetch(String name) {
            return gates.await(name);
        }
    }

    /** Per caller: the gate is named after the caller and the arg. */
    @Component("mine")
    @QueryEndpoint(scope = QueryScope.PRINCIPAL, keepUnusedDataFor = "10m")
    public static class MineFetcher implements QueryFetcher<String, Item> {
        private final Gates gates;

        MineFetcher(Gates gates) {
            this.gates = gates;
        }

        @Override
        public Mono<Item> fetch(String arg) {
            return Mono.deferContextual(ctx -> gates.await(QueryScopes.principal(ctx) + ":" + arg));
        }
    }

    @Controller
    static class Pages {
        private final QueryClient client;

        Pages(QueryClient client) {
            this.client = client;
        }

        /** Three pending queries: /three/x reads item x-a, x-b and x-c. */
        @GetMapping("/three/{x}")
        StreamedPage three(@PathVariable String x) {
            var item = client.endpoint(ItemFetcher.class);
            return StreamedPage.view("stream/three").with("title", "Three of " + x)
                    .pending("a", item, x + "-a").pending("b", item, x + "-b").pending("c", item, x + "-c");
        }

        /** One item, 404 before the first byte when the upstream fails it ("missing-..."): awaited, not streamed. */
        @GetMapping("/checked/{x}")
        Mono<StreamedPage> checked(@PathVariable String x) {
            var item = client.endpoint(ItemFetcher.class);
            Mono<Boolean> exists = item.query("exists-" + x).map(i -> true)
                    .onErrorMap(e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no item " + x));
            return Mono.just(StreamedPage.view("stream/one").with("title", "Checked " + x).with("exists", exists)
                    .pending("item", item, x));
        }

        /** The caller's own entry (PRINCIPAL). */
        @GetMapping("/mine/{x}")
        StreamedPage mine(@PathVariable String x) {
            return StreamedPage.view("stream/one").with("title", "Mine")
                    .pending("item", client.endpoint(MineFetcher.class), x);
        }

        /** In the browser: the page's TanStack and RTK caches take the streamed entries. */
        @GetMapping("/browser/{x}")
        StreamedPage browser(@PathVariable String x) {
            var item = client.endpoint(ItemFetcher.class);
            return StreamedPage.view("stream/browser").with("title", "Browser " + x).with("x", x)
                    .pending("a", item, x + "-a").pending("b", item, x + "-b");
        }
    }

    @Controller
    static class RtkPage {
        private final QueryClient client;

        RtkPage(QueryClient client) {
            this.client = client;
        }

        /** The same page for an RTK Query store (run with query-cache.web.state-format=rtk-query). */
        @GetMapping("/rtk/{x}")
        StreamedPage rtk(@PathVariable String x) {
            var item = client.endpoint(ItemFetcher.class);
            return StreamedPage.view("stream/rtk").with("title", "RTK " + x).with("x", x)
                    .pending("a", item, x + "-a").pending("b", item, x + "-b");
        }
    }

    @Bean
    RoutePreloads routePreloads() {
        // the first of /three's queries starts before the handler, as a route preload does in an application
        return RoutePreloads.builder()
                .route("/three/{x}", (vars, client) -> client.endpoint(ItemFetcher.class).prefetch(vars.get("x") + "-a"))
                .build();
    }

    /** Stands in for Spring Security: the caller from X-User; a CSP nonce from X-Nonce, as a nonce filter would set. */
    @Bean
    WebFilter callerAndNonceFromHeaders() {
        abstract class OrderedFilter implements WebFilter, Ordered {
            @Override
            public int getOrder() {
                return -100;
            }
        }
        return new OrderedFilter() {
            @Override
            public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
                                     org.springframework.web.server.WebFilterChain chain) {
                String nonce = exchange.getRequest().getHeaders().getFirst("X-Nonce");
                if (nonce != null) {
                    exchange.getAttributes().put("cspNonce", nonce);
                    exchange.getResponse().getHeaders().set("Content-Security-Policy",
                            "script-src 'nonce-" + nonce + "' 'strict-dynamic'");
                }
                String user = exchange.getRequest().getHeaders().getFirst("X-User");
                if (user == null) {
                    return chain.filter(exchange);
                }
                java.security.Principal principal = () -> user;
                return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
            }
        };
    }

    /** The browser libraries BrowserLibrariesHydrationTest installs from npm, served at /node_modules/. */
    @Configuration(proxyBeanMethods = false)
    static class NodeModules implements WebFluxConfigurer {
        @Override
        public void addResourceHandlers(ResourceHandlerRegistry registry) {
            registry.addResourceHandler("/node_modules/**").addResourceLocations(
                    "file:" + Path.of("target", "js", "node_modules").toAbsolutePath() + "/");
        }
    }

}

package dev.querycache.spring.web;

import dev.querycache.QueryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Solid Router's route {@code preload} for the server: path patterns mapped to functions that prefetch
 * what a page will need. A GET whose path matches runs the preloads at the start of the request, before
 * the handler, so that the page's fetches run in parallel instead of in a waterfall; {@code POST
 * {base-path}/preload} runs them on intent (hover, focus) before the user navigates.
 *
 * <pre>{@code
 * @Bean
 * RoutePreloads routePreloads() {
 *     return RoutePreloads.builder()
 *             .route("/pokemon/{name}", (vars, client) -> client.endpoint(PokemonByName.class).prefetch(vars.get("name")))
 *             .build();
 * }
 * }</pre>
 *
 * Patterns are Spring {@link PathPattern}s; every matching route runs. Immutable and thread-safe.
 */
public final class RoutePreloads {

    /** Prefetches what one route needs; must not block (prefetch returns at once). */
    @FunctionalInterface
    public interface Preload {
        /**
         * @param vars the pattern's variables ({@code {name}} → {@code "pikachu"})
         * @param client the query client
         */
        void preload(Map<String, String> vars, QueryClient client);
    }

    private record Route(PathPattern pattern, Preload preload) {
    }

    private static final RoutePreloads NONE = new RoutePreloads(List.of());

    private final List<Route> routes;

    private RoutePreloads(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No routes. */
    public static RoutePreloads none() {
        return NONE;
    }

    /**
     * Runs the preloads of every route matching {@code path}. A route whose variables decode to "." or
     * "..", or hold a control char, a slash or a backslash ({@code /pokemon/%2e%2e}, {@code %00},
     * {@code %0d%0a}) does not match: its preload never sees such a value.
     *
     * @return whether any route matched
     */
    public boolean preload(String path, QueryClient client) {
        PathContainer container = PathContainer.parsePath(path);
        boolean matched = false;
        for (Route r : routes) {
            PathPattern.PathMatchInfo info = r.pattern().matchAndExtract(container);
            if (info != null && info.getUriVariables().values().stream().allMatch(SafePaths::isSafeValue)) {
                matched = true;
                r.preload().preload(info.getUriVariables(), client);
            }
        }
        return matched;
    }

    /** Whether no route is configured. */
    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /** Collects routes. Not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a route.
         *
         * @throws IllegalArgumentException naming the pattern when it does not parse
         */
        public Builder route(String pattern, Preload preload) {
            Objects.requireNonNull(preload, "preload");
            try {
                routes.add(new Route(PathPatternParser.defaultInstance.parse(pattern), preload));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("route pattern '" + pattern + "' does not parse: " + e.getMessage(), e);
            }
            return this;
        }

        public RoutePreloads build() {
            return new RoutePreloads(routes);
        }
    }
}

package dev.querycache.spring.web;

import dev.querycache.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A server-rendered page whose slow queries stream into the same response: return it from a WebFlux
 * {@code @Controller} method (also as {@code Mono<StreamedPage>}), with a Thymeleaf view.
 *
 * <pre>{@code
 * @GetMapping("/pokemon/{name}")
 * StreamedPage pokemon(@PathVariable String name) {
 *     return StreamedPage.view("pokemon")
 *             .with("name", name)
 *             .pending("pokemon", client.endpoint(PokemonByName.class), name);
 * }
 * }</pre>
 *
 * In the template, the element that shows a pending query names it with {@code qc:await}; its children
 * marked {@code qc:fallback} are shown while it is pending, those marked {@code qc:error} when it failed,
 * and the rest when it has data (the name then holds the data):
 *
 * <pre>{@code
 * <section qc:await="pokemon">
 *   <p qc:fallback>Loading…</p>
 *   <p qc:error>The Pokédex is not answering.</p>
 *   <h2 th:text="${pokemon.displayName}">Pikachu</h2>
 * </section>
 * <th:block th:utext="${queryCacheState}"></th:block>
 * }</pre>
 *
 * <p>What happens: every pending query is subscribed at once (in the request's scope, with its caller, like
 * the handler's own queries); attributes given as a {@code Mono} are awaited before the first byte, as
 * Spring's view rendering does (use that for a query that decides the status, such as a 404). The page is
 * then rendered: a query that already has data renders whole; one still running renders its fallback.
 * The response is sent at once up to {@code </body>} and flushed. As each running query settles, in settle
 * order, the same response carries its element rendered again by the same template with the data (a
 * {@code <template>} put in place of the fallback by a few bytes of inline script), and the entries it added
 * to the request's page state, in {@code query-cache.web.state-format}, for the browser cache
 * ({@code tanstack.js}, {@code rtk.js}). A failed query renders its {@code qc:error} children and nothing of
 * the exception. What has not settled within {@code query-cache.web.stream-timeout} keeps its fallback and
 * is announced to the browser cache as not coming. The response always ends. A page where nothing is
 * pending is rendered whole and not streamed. The inline scripts carry the page's CSP nonce (the exchange
 * attribute named by {@code query-cache.web.csp-nonce-attribute}). {@code ${queryCacheState}} is the page
 * state of what the request had read when the template wrote it; what follows streams.
 *
 * <p>Immutable: each method returns a new page. Needs Thymeleaf's WebFlux integration
 * ({@code spring-boot-starter-thymeleaf}).
 */
public final class StreamedPage {

    private final String viewName;
    private final Map<String, Object> attributes;
    private final List<Pending> pending;

    private StreamedPage(String viewName, Map<String, Object> attributes, List<Pending> pending) {
        this.viewName = viewName;
        this.attributes = attributes;
        this.pending = pending;
    }

    /** A page rendered by the view {@code viewName}, resolved as a controller's view name is. */
    public static StreamedPage view(String viewName) {
        if (viewName == null || viewName.isBlank()) {
            throw new IllegalArgumentException("StreamedPage.view: the view name is empty");
        }
        return new StreamedPage(viewName, Map.of(), List.of());
    }

    /**
     * A model attribute. A {@code Mono} (or any reactive type Spring's view rendering resolves) is awaited
     * before the first byte: its error fails the request as a handler's error does.
     */
    public StreamedPage with(String name, Object value) {
        checkName(name);
        Map<String, Object> next = new LinkedHashMap<>(attributes);
        next.put(name, value);
        return new StreamedPage(viewName, Collections.unmodifiableMap(next), pending);
    }

    /**
     * The entry of {@code endpoint} for {@code arg}, streamed if it is not settled when the page renders;
     * the browser cache is told at once that this key is coming ([endpoint, arg]), so it does not fetch it.
     */
    public <A> StreamedPage pending(String name, Endpoint<A, ?> endpoint, A arg) {
        Objects.requireNonNull(endpoint, "endpoint");
        @SuppressWarnings("unchecked")
        Endpoint<Object, ?> any = (Endpoint<Object, ?>) endpoint;
        return add(new Pending(name, endpoint.query(arg), any, arg));
    }

    /**
     * Any value computed from queries (a {@code Mono} of them combined), streamed if it is not settled when
     * the page renders. The entries it read reach the browser cache when it settles.
     */
    public StreamedPage pending(String name, Mono<?> value) {
        Objects.requireNonNull(value, "value");
        return add(new Pending(name, value, null, null));
    }

    String viewName() {
        return viewName;
    }

    Map<String, Object> attributes() {
        return attributes;
    }

    List<Pending> pendingQueries() {
        return pending;
    }

    private StreamedPage add(Pending p) {
        checkName(p.name());
        for (Pending other : pending) {
            if (other.name().equals(p.name())) {
                throw new IllegalArgumentException("StreamedPage: '" + p.name() + "' is already pending");
            }
        }
        List<Pending> next = new ArrayList<>(pending);
        next.add(p);
        return new StreamedPage(viewName, attributes, List.copyOf(next));
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("StreamedPage: '" + name + "' is no attribute name (letters, digits, _)");
        }
    }

    /** One pending query: the value, and the endpoint and arg of the entry it reads when known (null otherwise). */
    record Pending(String name, Mono<?> value, Endpoint<Object, ?> source, Object arg) {

        /** The endpoint's name, the first half of the browser-cache key; null when unknown. */
        String endpoint() {
            return source == null ? null : source.name();
        }
    }
}

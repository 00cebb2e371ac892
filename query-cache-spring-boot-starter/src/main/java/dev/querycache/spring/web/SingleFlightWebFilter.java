package dev.querycache.spring.web;

import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.StateFormat;
import dev.querycache.Admission;
import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
import dev.querycache.RequestScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Single-flight writes (SolidStart's single-flight mutations, for any WebFlux handler): a request carrying
 * {@code Query-Cache-Refresh: <path>} is answered, once its handler completed (and so its invalidations were
 * applied), with {@code {"value": <the handler's JSON body, or null>, "state": <page state>}} and the header
 * {@code Query-Cache-Refresh: applied}. The state, in {@code query-cache.web.state-format}, holds the entries
 * the route preloads of {@code <path>} read, run in the caller's scope after the write, with the refetches
 * the write caused awaited up to {@code refreshTimeout} (entries not settled by then are left out: the client
 * refetches them). No route for the path: an empty state.
 *
 * <ul>
 *   <li>A header value that is no plain same-origin absolute path: 400 before the handler runs.</li>
 *   <li>A handler answering something other than JSON or an empty body, or an error status, is left
 *       untouched, with {@code Query-Cache-Refresh: skipped (...)} saying why.</li>
 *   <li>Honoured on POST, PUT, PATCH and DELETE only; on other methods the header is ignored (the response says
 *       so in {@code Query-Cache-Refresh: ignored (...)}).</li>
 *   <li>The preloads are charged to the caller's budget as {@code POST {base}/preload} is, and the entries they
 *       create are admitted on probation; over budget the write still happens and its answer carries an empty
 *       state.</li>
 *   <li>{@code Query-Cache-Events-Id} names the last event of {@code {base}/events} the state reflects, so that a
 *       client can drop the invalidations the write itself caused for the entries it got fresh.</li>
 * </ul>
 *
 * Stateless beyond its collaborators; thread-safe.
 */
final class SingleFlightWebFilter implements WebFilter, Ordered {

    static final String HEADER = "Query-Cache-Refresh";
    static final String EVENTS_ID_HEADER = "Query-Cache-Events-Id";
    /** The methods a single-flight write may use. */
    private static final java.util.Set<org.springframework.http.HttpMethod> WRITES = java.util.Set.of(
            org.springframework.http.HttpMethod.POST, org.springframework.http.HttpMethod.PUT,
            org.springframework.http.HttpMethod.PATCH, org.springframework.http.HttpMethod.DELETE);

    private final QueryClient client;
    private final RoutePreloads routes;
    private final DehydratedStateJson stateJson;
    private final StateFormat format;
    private final WebBudget budget;
    private final Duration refreshTimeout;
    private final InvalidationLog log;

    SingleFlightWebFilter(QueryClient client, RoutePreloads routes, DehydratedStateJson stateJson, StateFormat format,
                          WebBudget budget, Duration refreshTimeout, InvalidationLog log) {
        this.log = log;
        this.client = client;
        this.routes = routes;
        this.stateJson = stateJson;
        this.format = format;
        this.budget = budget;
        this.refreshTimeout = refreshTimeout;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String target = exchange.getRequest().getHeaders().getFirst(HEADER);
        if (target == null) {
            return chain.filter(exchange);
        }
        if (!WRITES.contains(exchange.getRequest().getMethod())) {
            // a read cannot be a single-flight write: the header is ignored, and the page preloads it would run
            // are not run (they would be preloads no budget charged)
            exchange.getResponse().getHeaders().set(HEADER, "ignored (" + exchange.getRequest().getMethod().name()
                    + "; only POST, PUT, PATCH and DELETE are answered with a state)");
            return chain.filter(exchange);
        }
        if (!SafePaths.isPlainAbsolutePath(target)) {
            return refuse(exchange.getResponse());
        }
        Capture capture = new Capture(exchange.getResponse());
        return chain.filter(exchange.mutate().response(capture).build())
                .then(Mono.defer(() -> capture.passedThrough() ? Mono.empty() : respond(exchange, capture, target)));
    }

    private static Mono<Void> refuse(ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = ("{\"error\":\"" + HEADER + " must be a plain absolute path of this site, such as /pokemon/pikachu\"}")
                .getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private Mono<Void> respond(ServerWebExchange exchange, Capture capture, String target) {
        ServerHttpResponse response = exchange.getResponse();
        HttpStatus status = response.getStatusCode() == null ? HttpStatus.OK : HttpStatus.resolve(response.getStatusCode().value());
        if (status != null && status.isError()) {
            response.getHeaders().set(HEADER, "skipped (status " + status.value() + ")");
            return capture.writeOriginal();
        }
        AtomicReference<String> eventsId = new AtomicReference<>();
        return state(exchange, target, eventsId).flatMap(state -> {
            String value = capture.body() == null || capture.body().isBlank() ? "null" : capture.body();
            byte[] body = ("{\"value\":" + value + ",\"state\":" + state + "}").getBytes(StandardCharsets.UTF_8);
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(MediaType.APPLICATION_JSON);
            headers.setContentLength(body.length);
            headers.set(HEADER, "applied");
            // the events stream's id this state reflects: a client drops the invalidate events up to it for the
            // entries the state holds, so the write's own invalidations cost it no refetch
            headers.set(EVENTS_ID_HEADER, eventsId.get());
            if (status == HttpStatus.NO_CONTENT) {
                response.setStatusCode(HttpStatus.OK);   // it has a body now
            }
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        });
    }

    /** The page state of {@code target} as the caller would get it now, after the write. */
    private Mono<String> state(ServerWebExchange exchange, String target, AtomicReference<String> eventsId) {
        RequestScope scope = RequestScope.forRefresh();
        return Mono.deferContextual(ctx -> {
                    String clientId = PrefetchHandlers.clientOf(ctx, exchange);
                    // the preloads are charged like POST {base}/preload: over budget the write has happened, and
                    // its answer carries an empty state (the client fetches what it needs itself)
                    if (!budget.tryAcquire(clientId)) {
                        return Mono.empty();
                    }
                    return InRequest.call(() -> routes.preload(target, client))
                            // the refresh's own scope, the caller of the request's Context
                            .contextWrite(QueryScopes.withRequest(scope))
                            .contextWrite(Admission.with(budget.gate(clientId)))
                            .then(Mono.defer(scope::readsSettled));
                })
                .timeout(refreshTimeout)
                .onErrorResume(TimeoutException.class, e -> Mono.empty())   // what has not settled is left out
                .then(Mono.fromCallable(() -> {
                    eventsId.set(log.latestId());   // taken before the state: the state is at least that new
                    return stateJson.write(client.dehydrate(scope), format);
                }))
                .doFinally(s -> scope.close());
    }

    /** After {@link QueryScopeWebFilter}: the caller is known. */
    @Override
    public int getOrder() {
        return QueryScopeWebFilter.ORDER + 2;
    }

    /**
     * Holds back the handler's body when it is JSON (or empty), to be wrapped once the handler completed; any
     * other body is written through at once and marked skipped.
     */
    private static final class Capture extends ServerHttpResponseDecorator {
        private final AtomicReference<String> body = new AtomicReference<>();
        private volatile boolean passedThrough;

        Capture(ServerHttpResponse delegate) {
            super(delegate);
        }

        boolean passedThrough() {
            return passedThrough;
        }

        String body() {
            return body.get();
        }

        private boolean isJson() {
            MediaType type = getHeaders().getContentType();
            return type == null || JsonInput.isJson(type);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            if (!isJson()) {
                passedThrough = true;
                getHeaders().set(HEADER, "skipped (the handler's body is " + getHeaders().getContentType() + ", not JSON)");
                return super.writeWith(body);
            }
            return DataBufferUtils.join(Flux.from(body)).doOnNext(buffer -> {
                this.body.set(buffer.toString(StandardCharsets.UTF_8));
                DataBufferUtils.release(buffer);
            }).then();
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            passedThrough = true;   // a stream: nothing to wrap
            getHeaders().set(HEADER, "skipped (a streaming body)");
            return super.writeAndFlushWith(body);
        }

        @Override
        public Mono<Void> setComplete() {
            return Mono.empty();   // completed by the filter, with the wrapped body
        }

        Mono<Void> writeOriginal() {
            String b = body.get();
            if (b == null) {
                return getDelegate().setComplete();
            }
            return getDelegate().writeWith(Mono.just(getDelegate().bufferFactory().wrap(b.getBytes(StandardCharsets.UTF_8))));
        }
    }
}

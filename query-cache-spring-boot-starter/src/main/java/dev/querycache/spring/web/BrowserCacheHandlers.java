package dev.querycache.spring.web;

import dev.querycache.QueryAbortedException;
import dev.querycache.QueryClient;
import dev.querycache.QueryTimeoutException;
import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a browser cache (TanStack Query, RTK Query) needs to follow the server's: {@code GET {base}/q/{endpoint}?arg=<json>}
 * reads an entry through the cache, {@code GET {base}/events} streams the keys of invalidated entries, and
 * {@code GET {base}/tanstack.js} wires a TanStack {@code QueryClient} to both. Same allowlist and input
 * rules as prefetch ({@link ExposedEndpoints}); a {@code PRINCIPAL} entry is read and announced to its own
 * caller only. Thread-safe.
 */
final class BrowserCacheHandlers {

    private static final Log log = LogFactory.getLog(BrowserCacheHandlers.class);

    private final QueryClient client;
    private final JsonMapper mapper;
    private final JsonInput input;
    private final ExposedEndpoints exposed;
    private final WebBudget budget;
    private final DehydratedStateJson stateJson;
    private final Duration heartbeat;
    private final String script;

    BrowserCacheHandlers(QueryClient client, JsonMapper mapper, int maxInputBytes, ExposedEndpoints exposed, WebBudget budget,
                         DehydratedStateJson stateJson, Duration heartbeat, String basePath) {
        this.client = client;
        this.mapper = mapper;
        this.input = new JsonInput(mapper, maxInputBytes);
        this.exposed = exposed;
        this.budget = budget;
        this.stateJson = stateJson;
        this.heartbeat = heartbeat;
        this.script = PrefetchHandlers.resource("tanstack.js").replace("__BASE_PATH__", basePath);
    }

    /**
     * The entry's data as JSON (an infinite entry as {@code {pages, pageParams}}), through the cache: a hit
     * answers at once, a miss joins or starts the fetch. A miss that would create an entry counts against the
     * client's budget and the endpoint's entry cap, as a prefetch does. 404 for an endpoint that is not
     * listed, 400 for a bad arg, 502 when the fetch failed, 504 when it timed out.
     */
    Mono<ServerResponse> query(ServerRequest request) {
        return Mono.defer(() -> {
            String endpoint = request.pathVariable("endpoint");
            String principal = QueryScopeWebFilter.principal(request.exchange());
            EndpointTypes.Types types = exposed.resolve(endpoint, principal);
            Object arg = input.arg(input.value("arg", request.queryParam("arg").orElse(null)), types.arg());
            if (!exposed.exists(endpoint, types, principal, arg)) {   // a read that creates an entry pays as a prefetch
                if (!budget.tryAcquire(PrefetchHandlers.clientOf(request.exchange()))) {
                    throw new BadInput(HttpStatus.TOO_MANY_REQUESTS, "too many reads of uncached entries: slow down");
                }
                if (!budget.tryCreate(endpoint, principal, arg)) {
                    throw new BadInput(HttpStatus.TOO_MANY_REQUESTS, "endpoint '" + ExposedEndpoints.shorten(endpoint)
                            + "' holds as many entries as HTTP may create; try again later");
                }
            }
            Mono<?> data = types.infinite() ? client.infiniteEndpoint(endpoint).query(arg) : client.endpoint(endpoint).query(arg);
            return data.map(d -> DehydratedStateJson.dataTree(mapper, d))
                    .defaultIfEmpty(mapper.nullNode())
                    .flatMap(json -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .header("Cache-Control", "no-store").bodyValue(mapper.writeValueAsString(json)))
                    .onErrorResume(e -> !(e instanceof BadInput), e -> fetchFailed(endpoint, e));
        }).onErrorResume(JsonInput::handle);
    }

    private Mono<ServerResponse> fetchFailed(String endpoint, Throwable e) {
        if (e instanceof QueryTimeoutException) {
            return JsonInput.error(HttpStatus.GATEWAY_TIMEOUT, "the fetch of '" + endpoint + "' timed out");
        }
        if (!(e instanceof QueryAbortedException)) {
            log.debug("query-cache /q read of '" + endpoint + "' failed", e);
        }
        return JsonInput.error(HttpStatus.BAD_GATEWAY, "the fetch of '" + endpoint + "' failed");
    }

    /**
     * Server-sent events: first {@code event: ready}, then one {@code event: invalidate} with
     * {@code data: {"queryKey":[endpoint, arg]}} per invalidated entry this caller may see (listed endpoints;
     * shared entries and the caller's own {@code PRINCIPAL} ones), and a comment every heartbeat.
     */
    Mono<ServerResponse> events(ServerRequest request) {
        String caller = QueryScopeWebFilter.principal(request.exchange());
        Flux<ServerSentEvent<String>> invalidations = client.inspector().invalidations()
                .filter(s -> exposed.visible(s.endpoint(), s.principal(), caller))
                .map(s -> ServerSentEvent.builder("{\"queryKey\":" + stateJson.queryKey(s.endpoint(), s.arg()) + "}")
                        .event("invalidate").build());
        Flux<ServerSentEvent<String>> ready = Flux.just(ServerSentEvent.builder("{}").event("ready").build());
        Flux<ServerSentEvent<String>> keepAlive = Flux.interval(heartbeat)
                .map(i -> ServerSentEvent.<String>builder().comment("keep-alive").build());
        // invalidations first: the stream listens before "ready" tells the browser it does
        Flux<ServerSentEvent<String>> stream = Flux.merge(invalidations, ready.concatWith(keepAlive));
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).header("Cache-Control", "no-store")
                .body(BodyInserters.fromServerSentEvents(stream));
    }

    Mono<ServerResponse> script(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.valueOf("text/javascript;charset=UTF-8"))
                .header("Cache-Control", "public, max-age=300").bodyValue(script);
    }
}

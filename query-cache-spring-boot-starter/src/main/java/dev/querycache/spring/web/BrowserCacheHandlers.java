package dev.querycache.spring.web;

import dev.querycache.Admission;
import dev.querycache.QueryAbortedException;
import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
import dev.querycache.QueryTimeoutException;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.time.Duration;
import java.util.List;
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
 * {@code GET {base}/tanstack.js} wires a TanStack {@code QueryClient} to both ({@code GET {base}/rtk.js} an RTK Query api slice to the page state). Same allowlist and input
 * rules as prefetch ({@link ExposedEndpoints}); a {@code PRINCIPAL} entry is read and announced to its own
 * caller only. Thread-safe.
 */
final class BrowserCacheHandlers {

    private static final Log logger = LogFactory.getLog(BrowserCacheHandlers.class);

    private final QueryClient client;
    private final JsonMapper mapper;
    private final JsonInput input;
    private final ExposedEndpoints exposed;
    private final WebBudget budget;
    private final InvalidationLog log;
    private final Duration heartbeat;
    private final String script;
    private final String rtkScript;

    BrowserCacheHandlers(QueryClient client, JsonMapper mapper, int maxInputBytes, ExposedEndpoints exposed, WebBudget budget,
                         Duration heartbeat, String basePath, InvalidationLog log) {
        this.log = log;
        this.client = client;
        this.mapper = mapper;
        this.input = new JsonInput(mapper, maxInputBytes);
        this.exposed = exposed;
        this.budget = budget;
        this.heartbeat = heartbeat;
        this.script = PrefetchHandlers.resource("tanstack.js").replace("__BASE_PATH__", basePath);
        this.rtkScript = PrefetchHandlers.resource("rtk.js").replace("__BASE_PATH__", basePath);
    }

    /**
     * The entry's data as JSON (an infinite entry as {@code {pages, pageParams}}), through the cache: a hit
     * answers at once, a miss joins or starts the fetch. A miss that would create an entry counts against the
     * client's budget, and the entry is admitted on probation ({@link WebBudget}). Answers a strong
     * {@code ETag}; {@code If-None-Match} with it is a 304 without a body. 404 for an endpoint that is not
     * listed, 400 for a bad arg, 502 when the fetch failed, 504 when it timed out.
     */
    Mono<ServerResponse> query(ServerRequest request) {
        return Mono.deferContextual(ctx -> {
            ExposedEndpoint endpoint = exposed.resolve(request.pathVariable("endpoint"), ctx);
            Object arg = input.arg(input.value("arg", request.queryParam("arg").orElse(null)), endpoint.types().arg());
            String clientId = PrefetchHandlers.clientOf(ctx, request.exchange());
            // an entry this read creates is admitted on probation (it never evicts the application's entries),
            // and a browser's read never promotes one: only the application's own use does
            WebBudget.RequestGate gate = budget.gate(clientId);
            return InRequest.call(() -> {
                if (!endpoint.exists(arg) && !budget.tryAcquire(clientId)) {   // a read that creates an entry pays as a prefetch
                    throw new BadInput(HttpStatus.TOO_MANY_REQUESTS, "too many reads of uncached entries: slow down");
                }
                return endpoint.query(arg);
            }).flatMap(data -> data.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                            .flatMap(d -> JsonBody.of(request, mapper, d.orElse(null)))
                            .onErrorResume(e -> !(e instanceof BadInput), e -> fetchFailed(endpoint.name(), e)))
                    .contextWrite(Admission.with(gate));
        }).onErrorResume(JsonInput::handle);
    }

    private Mono<ServerResponse> fetchFailed(String endpoint, Throwable e) {
        if (e instanceof java.util.concurrent.RejectedExecutionException) {
            return JsonInput.error(HttpStatus.TOO_MANY_REQUESTS, "endpoint '" + ExposedEndpoints.shorten(endpoint)
                    + "' holds as many entries as HTTP may create, all of them in use; try again later");
        }
        if (e instanceof QueryTimeoutException) {
            return JsonInput.error(HttpStatus.GATEWAY_TIMEOUT, "the fetch of '" + endpoint + "' timed out");
        }
        if (!(e instanceof QueryAbortedException)) {
            logger.debug("query-cache /q read of '" + endpoint + "' failed", e);
        }
        return JsonInput.error(HttpStatus.BAD_GATEWAY, "the fetch of '" + endpoint + "' failed");
    }

    /**
     * Server-sent events: first {@code event: ready}, then one {@code event: invalidate} with
     * {@code data: {"queryKey":[endpoint, arg]}} per invalidated entry this caller may see (listed endpoints;
     * shared entries and the caller's own {@code PRINCIPAL} ones), and a comment every heartbeat. Every event
     * carries an {@code id}; a reconnect with {@code Last-Event-ID} first gets the {@code invalidate} events it
     * missed (from the last {@code query-cache.web.events-replay} of the server), or, when they cannot be told
     * (an id of another server run, an unknown one, one older than the window), an {@code event: reset}: the
     * client must then treat everything it holds as stale.
     */
    Mono<ServerResponse> events(ServerRequest request) {
        return Mono.deferContextual(ctx -> events(request, QueryScopes.principal(ctx)));
    }

    private Mono<ServerResponse> events(ServerRequest request, String caller) {
        String lastEventId = request.headers().firstHeader("Last-Event-ID");
        Flux<ServerSentEvent<String>> stream = log.follow(lastEventId).concatMap(item -> {
            if (item instanceof InvalidationLog.Start start) {
                List<ServerSentEvent<String>> first = new java.util.ArrayList<>();
                if (start.reset()) {
                    first.add(ServerSentEvent.builder("{}").event("reset").id(log.id(start.latest())).build());
                }
                for (InvalidationLog.Entry e : start.missed()) {
                    if (exposed.visible(e.endpoint(), e.principal(), caller)) {
                        first.add(invalidate(e));
                    }
                }
                first.add(ServerSentEvent.builder("{}").event("ready").id(log.id(start.latest())).build());
                return Flux.fromIterable(first);
            }
            InvalidationLog.Entry e = (InvalidationLog.Entry) item;
            return exposed.visible(e.endpoint(), e.principal(), caller) ? Flux.just(invalidate(e)) : Flux.empty();
        });
        Flux<ServerSentEvent<String>> keepAlive = Flux.interval(heartbeat)
                .map(i -> ServerSentEvent.<String>builder().comment("keep-alive").build());
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).header("Cache-Control", "no-store")
                .body(BodyInserters.fromServerSentEvents(stream.publish(shared ->
                        Flux.merge(shared, keepAlive.takeUntilOther(shared.ignoreElements().then())))));
    }

    private ServerSentEvent<String> invalidate(InvalidationLog.Entry e) {
        return ServerSentEvent.builder(e.queryKeyJson()).event("invalidate").id(log.id(e.seq())).build();
    }

    Mono<ServerResponse> script(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.valueOf("text/javascript;charset=UTF-8"))
                .header("Cache-Control", "public, max-age=300").bodyValue(script);
    }

    /** {@code GET {base}/rtk.js}: the RTK Query helper (page state and streamed pages into an api slice). */
    Mono<ServerResponse> rtkScript(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.valueOf("text/javascript;charset=UTF-8"))
                .header("Cache-Control", "public, max-age=300").bodyValue(rtkScript);
    }
}

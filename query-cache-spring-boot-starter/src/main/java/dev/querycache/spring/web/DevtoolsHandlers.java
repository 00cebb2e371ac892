package dev.querycache.spring.web;

import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.Admission;
import dev.querycache.QueryClient;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.Tag;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The devtools page ({@code GET {base}/devtools}): the live cache, pushed over server-sent events
 * ({@code GET {base}/devtools/events}: the whole cache once, then what changed after each burst of cache
 * events, at most every 100 ms, from one feed all viewers share, {@link DevtoolsFeed}),
 * with actions {@code POST {base}/devtools/refetch}, {@code /remove} (invalidate the entry: removed when
 * unused, refetched when subscribed) and {@code /invalidate} (a tag). Off unless
 * {@code query-cache.devtools.enabled=true}: it shows and changes the whole cache.
 */
final class DevtoolsHandlers {

    private final QueryClient client;
    private final JsonMapper mapper;
    private final JsonInput input;
    private final String page;
    private final DevtoolsFeed feed;

    DevtoolsHandlers(QueryClient client, JsonMapper mapper, int maxBodyBytes, String basePath, DevtoolsFeed feed) {
        this.client = client;
        this.feed = feed;
        this.mapper = mapper;
        this.input = new JsonInput(mapper, maxBodyBytes);
        this.page = PrefetchHandlers.resource("devtools.html").replace("__BASE_PATH__", basePath);
    }

    Mono<ServerResponse> page(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page);
    }

    /**
     * The shared feed ({@link DevtoolsFeed}): the whole cache once, then patches; 429 when as many viewers
     * as allowed already watch.
     */
    Mono<ServerResponse> events(ServerRequest request) {
        Flux<DevtoolsFeed.Event> feed = this.feed.open();
        if (feed == null) {
            return JsonInput.error(HttpStatus.TOO_MANY_REQUESTS,
                    "as many devtools viewers as query-cache.devtools.max-viewers allows are open; close one");
        }
        Flux<ServerSentEvent<String>> events = feed.map(e -> ServerSentEvent.builder(e.json()).event(e.name()).build());
        Flux<ServerSentEvent<String>> heartbeat = Flux.interval(Duration.ofSeconds(15))
                .map(i -> ServerSentEvent.<String>builder().comment("keep-alive").build());
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                // ends when the feed ends it (a viewer too far behind), heartbeats included
                .body(events.publish(shared -> Flux.merge(shared, heartbeat.takeUntilOther(shared.ignoreElements().then()))),
                        ServerSentEvent.class);
    }

    /** Devtools acts on the rows it shows: it never creates an entry (a row gone meanwhile is not brought back). */
    private static final Admission.Gate CREATES_NOTHING = (endpoint, principal, arg) -> false;

    /** Refetches the row's entry, as the row's caller for a {@code PRINCIPAL} entry; a row gone meanwhile stays gone. */
    Mono<ServerResponse> refetch(ServerRequest request) {
        // made in the row's Context, and run in it too, without waiting for it
        return entryAction(request, (endpoint, infinite, arg) -> Mono.deferContextual(ctx -> InRequest.<Mono<?>>call(
                () -> infinite
                        ? client.infiniteEndpoint(endpoint).refetch(arg) : client.endpoint(endpoint).refetch(arg))
                .doOnNext(fetch -> fetch.contextWrite(c -> c.putAll(ctx)).subscribe(v -> { }, e -> { }))
                .then()));
    }

    /** Removes the row's entry (invalidates it: an unused entry goes, a subscribed one is refetched). */
    Mono<ServerResponse> remove(ServerRequest request) {
        return entryAction(request, (endpoint, infinite, arg) -> InRequest.run(() -> {
            if (infinite) {
                client.infiniteEndpoint(endpoint).invalidate(arg);
            } else {
                client.endpoint(endpoint).invalidate(arg);
            }
        }));
    }

    Mono<ServerResponse> invalidate(ServerRequest request) {
        return input.object(request).flatMap(body -> {
            JsonNode type = body.get("type");
            if (type == null || !type.isString() || type.asString().isBlank()) {
                throw new BadInput(HttpStatus.BAD_REQUEST, "\"type\" must be a non-empty string");
            }
            JsonNode id = body.get("id");
            client.invalidateTags(id == null || id.isNull() || id.asString().isEmpty() ? Tag.of(type.asString())
                    : Tag.of(type.asString(), mapper.treeToValue(id, Object.class)));
            return ServerResponse.accepted().build();
        }).onErrorResume(JsonInput::handle);
    }

    /** What a row's button does: the row's endpoint, its arg and, for a {@code PRINCIPAL} entry, its caller. */
    @FunctionalInterface
    private interface RowAction {
        /** The action, run in a Context whose caller is the row's (for a {@code PRINCIPAL} entry). */
        Mono<Void> apply(String endpoint, boolean infinite, Object arg);
    }

    /**
     * Acts on the row the page shows, whatever its scope: a {@code PRINCIPAL} row carries its caller
     * ({@code "principal"}), and the action runs as that caller; without one such a row is 400. The page
     * never shows an entry's data, only its key, status and tags.
     */
    private Mono<ServerResponse> entryAction(ServerRequest request, RowAction action) {
        return input.object(request).flatMap(body -> {
            JsonNode name = body.get("endpoint");
            if (name == null || !name.isString() || !client.inspector().endpointNames().contains(name.asString())) {
                throw new BadInput(HttpStatus.NOT_FOUND, "no such endpoint");
            }
            String endpoint = name.asString();
            JsonNode p = body.get("principal");
            String principal = p == null || p.isNull() ? null : p.asString();
            QueryScope scope = client.inspector().scope(endpoint);
            if (scope == QueryScope.PRINCIPAL && (principal == null || principal.isBlank())) {
                throw new BadInput(HttpStatus.BAD_REQUEST, "endpoint '" + endpoint + "' is per caller: \"principal\" is required");
            }
            if (scope != QueryScope.PRINCIPAL) {
                principal = null;
            }
            EndpointTypes.Types types = EndpointTypes.of(client, endpoint);
            Mono<Void> done = action.apply(endpoint, types.infinite(), input.arg(body.get("arg"), types.arg()))
                    .contextWrite(Admission.with(CREATES_NOTHING));
            if (principal != null) {
                done = done.contextWrite(QueryScopes.withPrincipal(principal));
            }
            return done.then(ServerResponse.accepted().build());
        }).onErrorResume(JsonInput::handle);
    }
}

package dev.querycache.spring.web;

import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.internal.EntryViews;
import dev.querycache.QueryClient;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.QueryState;
import dev.querycache.Tag;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The devtools page ({@code GET {base}/devtools}): the live cache, pushed over server-sent events
 * ({@code GET {base}/devtools/events}, a snapshot after each burst of cache events, at most every 100 ms),
 * with actions {@code POST {base}/devtools/refetch}, {@code /remove} (invalidate the entry: removed when
 * unused, refetched when subscribed) and {@code /invalidate} (a tag). Off unless
 * {@code query-cache.devtools.enabled=true}: it shows and changes the whole cache.
 */
final class DevtoolsHandlers {

    private final QueryClient client;
    private final JsonMapper mapper;
    private final JsonInput input;
    private final String page;

    DevtoolsHandlers(QueryClient client, JsonMapper mapper, int maxBodyBytes, String basePath) {
        this.client = client;
        this.mapper = mapper;
        this.input = new JsonInput(mapper, maxBodyBytes);
        this.page = PrefetchHandlers.resource("devtools.html").replace("__BASE_PATH__", basePath);
    }

    Mono<ServerResponse> page(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page);
    }

    Mono<ServerResponse> events(ServerRequest request) {
        Flux<ServerSentEvent<String>> snapshots = Flux.concat(Mono.fromSupplier(this::snapshot),
                        client.events().sample(Duration.ofMillis(100)).map(e -> snapshot()))
                .map(json -> ServerSentEvent.builder(json).event("cache").build());
        Flux<ServerSentEvent<String>> heartbeat = Flux.interval(Duration.ofSeconds(15))
                .map(i -> ServerSentEvent.<String>builder().comment("keep-alive").build());
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                .body(Flux.merge(snapshots, heartbeat), ServerSentEvent.class);
    }

    /** The cache as JSON: stats and one object per entry. */
    String snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stats", client.stats());
        out.put("requestEntries", client.inspector().requestEntryCount());
        List<Map<String, Object>> entries = new ArrayList<>();
        Instant now = Instant.now();
        for (QueryState<?> s : client.entries()) {
            entries.add(EntryViews.describe(s, now, a -> a));
        }
        out.put("entries", entries);
        try {
            return mapper.writeValueAsString(out);
        } catch (JacksonException ex) {
            out.put("entries", List.of());
            out.put("error", "an entry's arg is not JSON-serializable");
            return mapper.writeValueAsString(out);
        }
    }

    /** Refetches the row's entry, as the row's caller for a {@code PRINCIPAL} entry. */
    Mono<ServerResponse> refetch(ServerRequest request) {
        return entryAction(request, (endpoint, arg, principal) -> {
            Mono<?> fetch = EndpointTypes.of(client, endpoint).infinite()
                    ? client.infiniteEndpoint(endpoint).refetch(arg) : client.endpoint(endpoint).refetch(arg);
            if (principal != null) {
                fetch = fetch.contextWrite(QueryScopes.withPrincipal(principal));
            }
            fetch.subscribe(v -> { }, e -> { });
        });
    }

    /** Removes the row's entry (invalidates it: an unused entry goes, a subscribed one is refetched). */
    Mono<ServerResponse> remove(ServerRequest request) {
        return entryAction(request, (endpoint, arg, principal) -> QueryScopes.callAs(principal, null, () -> {
            if (EndpointTypes.of(client, endpoint).infinite()) {
                client.infiniteEndpoint(endpoint).invalidate(arg);
            } else {
                client.endpoint(endpoint).invalidate(arg);
            }
            return null;
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
        void apply(String endpoint, Object arg, String principal);
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
            action.apply(endpoint, input.arg(body.get("arg"), types.arg()), principal);
            return ServerResponse.accepted().build();
        }).onErrorResume(JsonInput::handle);
    }
}

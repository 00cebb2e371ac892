package dev.querycache.spring.web;

import dev.querycache.Admission;
import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST {base}/prefetch}, {@code POST {base}/preload} and {@code GET {base}/preload.js}. Every input
 * is checked before anything touches the cache, so a refused request changes nothing. Thread-safe.
 */
final class PrefetchHandlers {

    private final QueryClient client;
    private final JsonMapper mapper;
    private final JsonInput input;
    private final ExposedEndpoints exposed;
    private final int maxPages;
    private final RoutePreloads routes;
    private final String script;
    private final WebBudget budget;

    PrefetchHandlers(QueryClient client, JsonMapper mapper, int maxBodyBytes, ExposedEndpoints exposed, int maxPages,
                     RoutePreloads routes, String basePath, WebBudget budget) {
        this.client = client;
        this.budget = budget;
        this.mapper = mapper;
        this.input = new JsonInput(mapper, maxBodyBytes);
        this.exposed = exposed;
        this.maxPages = maxPages;
        this.routes = routes;
        this.script = resource("preload.js").replace("__BASE_PATH__", basePath);
    }

    static String resource(String name) {
        try (InputStream in = new ClassPathResource("dev/querycache/spring/web/" + name).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("missing resource " + name, e);
        }
    }

    /** Who a request counts against in the {@link WebBudget}: the signed-in caller, else the remote address. */
    static String clientOf(ContextView ctx, org.springframework.web.server.ServerWebExchange exchange) {
        String principal = QueryScopes.principal(ctx);
        if (principal != null) {
            return "user:" + principal;
        }
        java.net.InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : "addr:" + remote.getAddress().getHostAddress();
    }

    private void spend(String clientId) {
        if (!budget.tryAcquire(clientId)) {
            throw new BadInput(HttpStatus.TOO_MANY_REQUESTS, "too many prefetch/preload requests: slow down");
        }
    }

    Mono<ServerResponse> prefetch(ServerRequest request) {
        return Mono.deferContextual(ctx -> input.object(request).flatMap(body -> {
            String clientId = clientOf(ctx, request.exchange());
            spend(clientId);
            JsonNode name = body.get("endpoint");
            if (name == null || !name.isString() || name.asString().isBlank()) {
                throw new BadInput(HttpStatus.BAD_REQUEST, "\"endpoint\" must be a non-empty string");
            }
            ExposedEndpoint endpoint = exposed.resolve(name.asString(), ctx);
            Object arg = input.arg(body.get("arg"), endpoint.types().arg());
            JsonNode pagesNode = body.get("pages");
            int pages = 1;
            if (pagesNode != null && !pagesNode.isNull()) {
                if (!endpoint.isInfinite()) {
                    throw new BadInput(HttpStatus.BAD_REQUEST, "\"pages\" is only for infinite endpoints");
                }
                if (!pagesNode.isIntegralNumber() || !pagesNode.canConvertToInt() || pagesNode.asInt() < 1
                        || pagesNode.asInt() > maxPages) {
                    throw new BadInput(HttpStatus.BAD_REQUEST, "\"pages\" must be a whole number from 1 to " + maxPages);
                }
                pages = pagesNode.asInt();
            }
            int pageCount = pages;
            WebBudget.RequestGate gate = budget.gate(clientId);
            return InRequest.run(() -> endpoint.prefetch(arg, pageCount)).contextWrite(Admission.with(gate))
                    .then(Mono.fromCallable(() -> {
                        if (gate.refused()) {
                            throw new BadInput(HttpStatus.TOO_MANY_REQUESTS, "endpoint '" + ExposedEndpoints.shorten(endpoint.name())
                                    + "' holds as many entries as HTTP may create, all of them in use; try again later");
                        }
                        return endpoint.name();
                    }))
                    .flatMap(n -> ServerResponse.accepted().contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(Map.of("endpoint", n, "status", "accepted")));
        })).onErrorResume(JsonInput::handle);
    }

    Mono<ServerResponse> preload(ServerRequest request) {
        return Mono.deferContextual(ctx -> input.object(request).flatMap(body -> {
            JsonNode p = body.get("path");
            if (p == null || !p.isString() || !SafePaths.isPlainAbsolutePath(p.asString())) {
                throw new BadInput(HttpStatus.BAD_REQUEST, "\"path\" must be a plain absolute path such as /pokemon/pikachu");
            }
            String clientId = clientOf(ctx, request.exchange());
            spend(clientId);   // only well-formed requests count against the client's budget
            // every entry the route preloads create is admitted on probation, within the client's share
            WebBudget.RequestGate gate = budget.gate(clientId);
            return InRequest.call(() -> routes.preload(p.asString(), client)).contextWrite(Admission.with(gate))
                    .flatMap(matched -> matched ? ServerResponse.accepted().build() : ServerResponse.noContent().build());
        })).onErrorResume(JsonInput::handle);
    }

    Mono<ServerResponse> script(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.valueOf("text/javascript;charset=UTF-8"))
                .header("Cache-Control", "public, max-age=300").bodyValue(script);
    }
}

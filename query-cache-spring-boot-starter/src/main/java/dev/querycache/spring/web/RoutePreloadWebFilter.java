package dev.querycache.spring.web;

import dev.querycache.Admission;
import dev.querycache.QueryScopes;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import dev.querycache.QueryClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Runs the {@link RoutePreloads} of a GET request's path before the handler, so that every fetch the
 * page needs starts at once. A failing preload is logged and never fails the request. Every entry the
 * preloads create is admitted on probation within the client's budget ({@link WebBudget}); for a request
 * without a signed-in caller (untrusted), so is every entry the handler's own queries create (refused: 429),
 * and its reads promote only entries that another client's request created.
 */
final class RoutePreloadWebFilter implements WebFilter, Ordered {

    private static final Log log = LogFactory.getLog(RoutePreloadWebFilter.class);

    private final RoutePreloads routes;
    private final QueryClient client;
    private final String basePath;
    private final WebBudget budget;

    RoutePreloadWebFilter(RoutePreloads routes, QueryClient client, String basePath, WebBudget budget) {
        this.budget = budget;
        this.routes = routes;
        this.client = client;
        this.basePath = basePath;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.GET) {
            return chain.filter(exchange);
        }
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.startsWith(basePath + "/")) {
            return chain.filter(exchange);
        }
        return Mono.deferContextual(ctx -> {
            String clientId = PrefetchHandlers.clientOf(ctx, exchange);
            WebBudget.RequestGate gate = budget.gate(clientId);
            // a request without a signed-in caller is untrusted: what its page's handler makes the cache create
            // is admitted on probation too, and its reads promote only entries another client created
            boolean trusted = QueryScopes.principal(ctx) != null;
            Mono<Void> page = trusted ? chain.filter(exchange) : chain.filter(exchange).contextWrite(Admission.with(gate))
                    .onErrorMap(java.util.concurrent.RejectedExecutionException.class, e -> new ResponseStatusException(
                            HttpStatus.TOO_MANY_REQUESTS, "too many new entries from this client: slow down"));
            // over its budget a client still gets its page, only without the preloads
            if (routes.isEmpty() || !budget.tryAcquire(clientId)) {
                return page;
            }
            // what the preloads create is admitted on probation
            return InRequest.run(() -> {
                try {
                    routes.preload(path, client);
                } catch (RuntimeException e) {
                    log.warn("route preload for " + path + " failed: " + e);
                }
            }).contextWrite(Admission.with(gate)).then(page);
        });
    }

    /** Right after {@link QueryScopeWebFilter}, so that preloads of PRINCIPAL endpoints warm the caller's entry. */
    @Override
    public int getOrder() {
        return QueryScopeWebFilter.ORDER + 1;
    }
}

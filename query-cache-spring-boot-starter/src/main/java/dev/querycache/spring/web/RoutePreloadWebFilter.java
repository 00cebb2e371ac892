package dev.querycache.spring.web;

import dev.querycache.Admission;
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
 * page needs starts at once. A failing preload is logged and never fails the request.
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
        if (exchange.getRequest().getMethod() != HttpMethod.GET || routes.isEmpty()) {
            return chain.filter(exchange);
        }
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.startsWith(basePath + "/")) {
            return chain.filter(exchange);
        }
        return Mono.deferContextual(ctx -> {
            String clientId = PrefetchHandlers.clientOf(ctx, exchange);
            // over its budget a client still gets its page, only without the preloads
            if (!budget.tryAcquire(clientId)) {
                return chain.filter(exchange);
            }
            // what the preloads create is admitted on probation; the page's own reads promote it
            WebBudget.RequestGate gate = budget.gate(clientId);
            return InRequest.run(() -> {
                try {
                    routes.preload(path, client);
                } catch (RuntimeException e) {
                    log.warn("route preload for " + path + " failed: " + e);
                }
            }).contextWrite(Admission.with(gate)).then(chain.filter(exchange));
        });
    }

    /** Right after {@link QueryScopeWebFilter}, so that preloads of PRINCIPAL endpoints warm the caller's entry. */
    @Override
    public int getOrder() {
        return QueryScopeWebFilter.ORDER + 1;
    }
}

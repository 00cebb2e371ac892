package dev.querycache.spring.web;

import dev.querycache.Admission;
import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
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
        if (exchange.getRequest().getMethod() == HttpMethod.GET) {
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            // over its budget a client still gets its page, only without the preloads
            if (!path.startsWith(basePath + "/") && !routes.isEmpty()
                    && budget.tryAcquire(PrefetchHandlers.clientOf(exchange))) {
                try {
                    // what the preloads create is admitted on probation; the page's own reads promote it
                    WebBudget.RequestGate gate = budget.gate(PrefetchHandlers.clientOf(exchange));
                    QueryScopes.callAs(QueryScopeWebFilter.principal(exchange), QueryScopeWebFilter.request(exchange),
                            () -> Admission.call(gate, () -> routes.preload(path, client)));
                } catch (RuntimeException e) {
                    log.warn("route preload for " + path + " failed: " + e);
                }
            }
        }
        return chain.filter(exchange);
    }

    /** Right after {@link QueryScopeWebFilter}, so that preloads of PRINCIPAL endpoints warm the caller's entry. */
    @Override
    public int getOrder() {
        return QueryScopeWebFilter.ORDER + 1;
    }
}

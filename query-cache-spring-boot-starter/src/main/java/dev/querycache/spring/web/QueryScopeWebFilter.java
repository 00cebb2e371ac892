package dev.querycache.spring.web;

import dev.querycache.QueryScopes;
import dev.querycache.RequestScope;
import java.security.Principal;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Puts the caller ({@link ServerWebExchange#getPrincipal()}, resolved asynchronously, so it works with
 * Spring Security's session lookup and without Spring Security) and a fresh {@link RequestScope} into the
 * Reactor Context of every request, and into the exchange's attributes ({@link #PRINCIPAL_ATTRIBUTE},
 * {@link #REQUEST_ATTRIBUTE}). It sets no thread-local: the synchronous endpoint methods of a handler see
 * them through Reactor's automatic context propagation, which the starter turns on (see
 * {@link dev.querycache.QueryScopes}). Runs after Spring Security's filters (order 0), before the route
 * preloads.
 */
public final class QueryScopeWebFilter implements WebFilter, Ordered {

    /** Exchange attribute holding the caller's name (absent without a caller). */
    public static final String PRINCIPAL_ATTRIBUTE = QueryScopeWebFilter.class.getName() + ".principal";
    /** Exchange attribute holding the request's {@link RequestScope}. */
    public static final String REQUEST_ATTRIBUTE = QueryScopeWebFilter.class.getName() + ".request";

    public static final int ORDER = 0;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        RequestScope request = RequestScope.open();
        exchange.getAttributes().put(REQUEST_ATTRIBUTE, request);
        return exchange.getPrincipal().map(Principal::getName).map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(name -> {
                    name.ifPresent(n -> exchange.getAttributes().put(PRINCIPAL_ATTRIBUTE, n));
                    Mono<Void> rest = chain.filter(exchange).contextWrite(QueryScopes.withRequest(request));
                    return name.map(n -> rest.contextWrite(QueryScopes.withPrincipal(n))).orElse(rest);
                })
                .doFinally(signal -> request.close());
    }

    /** The caller of {@code exchange}, or null. */
    public static String principal(ServerWebExchange exchange) {
        return exchange.getAttribute(PRINCIPAL_ATTRIBUTE);
    }

    /** The request scope of {@code exchange} (null outside the filter). */
    public static RequestScope request(ServerWebExchange exchange) {
        return exchange.getAttribute(REQUEST_ATTRIBUTE);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}

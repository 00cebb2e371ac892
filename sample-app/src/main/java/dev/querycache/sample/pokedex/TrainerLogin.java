package dev.querycache.sample.pokedex;

import java.net.URI;
import java.security.Principal;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A deliberately simple login picker for the demo: {@code /login?trainer=ash} sets a cookie, and every
 * request with that cookie has that principal (where a real app has Spring Security, at the same order).
 */
@Component
public class TrainerLogin implements WebFilter, Ordered {

    static final Set<String> TRAINERS = Set.of("ash", "misty", "brock");
    private static final String COOKIE = "trainer";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().equals("/login")) {
            String trainer = exchange.getRequest().getQueryParams().getFirst("trainer");
            ServerHttpResponse response = exchange.getResponse();
            response.setStatusCode(HttpStatus.SEE_OTHER);
            response.getHeaders().setLocation(URI.create("/team"));
            response.addCookie(ResponseCookie.from(COOKIE, TRAINERS.contains(trainer) ? trainer : "")
                    .path("/").httpOnly(true).sameSite("Lax").maxAge(TRAINERS.contains(trainer) ? 86_400 : 0).build());
            return response.setComplete();
        }
        var cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
        if (cookie == null || !TRAINERS.contains(cookie.getValue())) {
            return chain.filter(exchange);
        }
        Principal principal = cookie::getValue;
        return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
    }

    @Override
    public int getOrder() {
        return -100;
    }
}

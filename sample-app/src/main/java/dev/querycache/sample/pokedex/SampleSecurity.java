package dev.querycache.sample.pokedex;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security for the demo: form login (and HTTP Basic, for scripts) with two trainers, {@code ash}
 * (password {@code pikachu}) and {@code misty} (password {@code starmie}). "My team" needs a signed-in
 * trainer; everything else is public. CSRF protection is on for every state-changing request (sign-in,
 * sign-out, the favourite toggle of the JSON API), with the token in a cookie rather than a
 * {@code WebSession}: an anonymous page view creates no session, so nobody can grow the heap by requesting
 * pages. query-cache's own POSTs under {@code /_query} are JSON-only and refused cross-origin by the
 * starter, so they are left out of it (README, "Running it safely"). The demo leaves devtools open; a real
 * app puts it behind a role.
 */
@Configuration(proxyBeanMethods = false)
class SampleSecurity {

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http
                .authorizeExchange(a -> a.pathMatchers("/team").authenticated().anyExchange().permitAll())
                .formLogin(form -> form.authenticationSuccessHandler(
                        new org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler("/team")))
                .httpBasic(Customizer.withDefaults())
                // the token lives in a cookie (XSRF-TOKEN), not in a session; pages carry it as <meta name="_csrf">
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SampleSecurity::needsCsrfToken)
                        .csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse()))
                .build();
    }

    /**
     * State-changing requests need the token (sign-in, sign-out, the favourite toggle), except query-cache's
     * own JSON POSTs under /_query (JSON-only and refused cross-origin by the starter) and the embedded
     * stand-in upstream.
     */
    static Mono<ServerWebExchangeMatcher.MatchResult> needsCsrfToken(ServerWebExchange exchange) {
        org.springframework.http.HttpMethod method = exchange.getRequest().getMethod();
        boolean safe = method == org.springframework.http.HttpMethod.GET || method == org.springframework.http.HttpMethod.HEAD
                || method == org.springframework.http.HttpMethod.OPTIONS || method == org.springframework.http.HttpMethod.TRACE;
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        // /upstream is the embedded stand-in for another service, called server to server
        boolean exempt = path.startsWith("/_query/") || path.startsWith("/upstream/");
        return safe || exempt ? ServerWebExchangeMatcher.MatchResult.notMatch() : ServerWebExchangeMatcher.MatchResult.match();
    }

    @Bean
    MapReactiveUserDetailsService trainers() {
        return new MapReactiveUserDetailsService(
                User.withUsername("ash").password("{noop}pikachu").roles("TRAINER").build(),
                User.withUsername("misty").password("{noop}starmie").roles("TRAINER").build());
    }

    /** Puts the CSRF token in every page's model, for the {@code <meta name="_csrf">} tags. */
    @ControllerAdvice
    static class CsrfToModel {
        @ModelAttribute("_csrf")
        Mono<CsrfToken> csrf(ServerWebExchange exchange) {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return token == null ? Mono.empty() : token;
        }
    }
}

package dev.querycache;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Who is asking, for endpoints whose {@link QueryScope} is not {@code SHARED}. The caller and the request
 * travel in the Reactor {@code Context} ({@link #withPrincipal}, {@link #withRequest}); the starter's web
 * filter puts them there for every WebFlux request. The synchronous methods of an endpoint
 * ({@code prefetch}, {@code subscribe}, {@code state}, {@code setData}, {@code invalidate}) have no
 * Context, so they read the caller set by {@link #callAs} on the current thread.
 *
 * <p>A {@code PRINCIPAL} or {@code REQUEST} endpoint used where there is no caller or no request fails
 * with an {@link IllegalStateException} naming the endpoint and the scope; it never falls back to a shared
 * entry. Fetchers of {@code PRINCIPAL} endpoints run with the caller in their Context:
 * {@code Mono.deferContextual(ctx -> load(QueryScopes.principal(ctx)))}. Thread-safe.
 */
public final class QueryScopes {

    private static final String PRINCIPAL = "dev.querycache.principal";
    private static final String REQUEST = "dev.querycache.request";
    private static final ThreadLocal<String> CURRENT_PRINCIPAL = new ThreadLocal<>();
    private static final ThreadLocal<RequestScope> CURRENT_REQUEST = new ThreadLocal<>();

    private QueryScopes() {
    }

    /** A Context modification that makes {@code principal} the caller. */
    public static Function<Context, Context> withPrincipal(String principal) {
        Objects.requireNonNull(principal, "principal");
        return ctx -> ctx.put(PRINCIPAL, principal);
    }

    /** A Context modification that makes {@code request} the current request. */
    public static Function<Context, Context> withRequest(RequestScope request) {
        Objects.requireNonNull(request, "request");
        return ctx -> ctx.put(REQUEST, request);
    }

    /** The caller in {@code ctx}, or null. */
    public static String principal(ContextView ctx) {
        return ctx.getOrDefault(PRINCIPAL, CURRENT_PRINCIPAL.get());
    }

    /** The request in {@code ctx}, or null. */
    public static RequestScope request(ContextView ctx) {
        return ctx.getOrDefault(REQUEST, CURRENT_REQUEST.get());
    }

    /** Runs {@code work} on this thread with {@code principal} (may be null) and {@code request} (may be null) current. */
    public static <T> T callAs(String principal, RequestScope request, Supplier<T> work) {
        String previousPrincipal = CURRENT_PRINCIPAL.get();
        RequestScope previousRequest = CURRENT_REQUEST.get();
        CURRENT_PRINCIPAL.set(principal);
        CURRENT_REQUEST.set(request);
        try {
            return work.get();
        } finally {
            CURRENT_PRINCIPAL.set(previousPrincipal);
            CURRENT_REQUEST.set(previousRequest);
        }
    }

    /** {@link #callAs} for work without a result. */
    public static void runAs(String principal, RequestScope request, Runnable work) {
        callAs(principal, request, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Subscribes {@code source} with {@code principal} and {@code request} current on the subscribing
     * thread for the duration of the subscribe call, so that code run synchronously at subscription (a
     * WebFlux controller method, for one) sees them through {@link #callAs}'s thread-local.
     */
    public static <T> Mono<T> subscribedAs(String principal, RequestScope request, Mono<T> source) {
        return new Mono<T>() {
            @Override
            public void subscribe(reactor.core.CoreSubscriber<? super T> actual) {
                runAs(principal, request, () -> source.subscribe(actual));
            }
        };
    }

    static String currentPrincipal() {
        return CURRENT_PRINCIPAL.get();
    }

    static RequestScope currentRequest() {
        return CURRENT_REQUEST.get();
    }

    static IllegalStateException missing(String endpoint, QueryScope scope) {
        String what = scope == QueryScope.PRINCIPAL ? "no caller (principal)" : "no request";
        return new IllegalStateException("endpoint '" + endpoint + "' has scope " + scope + " but there is " + what
                + " here: run it inside a WebFlux request, or with QueryScopes.with" + (scope == QueryScope.PRINCIPAL
                ? "Principal(..) in the Reactor Context / QueryScopes.callAs(principal, ..)" : "Request(..) in the Reactor Context"));
    }
}

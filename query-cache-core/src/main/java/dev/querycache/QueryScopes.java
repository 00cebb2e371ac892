package dev.querycache;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Who is asking, for endpoints whose {@link QueryScope} is not {@code SHARED}: static helpers that put the
 * caller (a principal name) and the {@link RequestScope} into a Reactor {@code Context} and read them back. The caller and the request
 * travel in the Reactor {@code Context} only ({@link #withPrincipal}, {@link #withRequest}); the starter's
 * web filter puts them there for every WebFlux request.
 *
 * <p>The synchronous methods of an endpoint ({@code prefetch}, {@code subscribe}, {@code state},
 * {@code setData}, {@code updateData}, {@code invalidate}) have no Context of their own: they read the
 * caller and the request of the reactive chain they run in. When Micrometer's context-propagation is on
 * the classpath, they are registered as thread-local accessors under the Context keys, and Reactor's
 * automatic context propagation (which the starter turns on, as {@code spring.reactor.context-propagation=auto}
 * does) sets them while any operator of the request's chain runs, on whatever thread, after the body was
 * decoded, after an asynchronous principal lookup, in a {@code flatMap} after a miss, and restores the
 * previous values afterwards, so nothing of one request is ever seen by code that runs later on that
 * thread. Outside a request, {@link #callAs} sets them for the duration of a call. {@link #principal} and
 * {@link #request} read the given Context only.
 *
 * <p>A {@code PRINCIPAL} or {@code REQUEST} endpoint used where there is no caller or no request fails
 * with an {@link IllegalStateException} naming the endpoint and the scope; it never falls back to a shared
 * entry. Fetchers of {@code PRINCIPAL} endpoints run with the caller in their Context:
 * {@code Mono.deferContextual(ctx -> load(QueryScopes.principal(ctx)))}. Thread-safe.
 */
public final class QueryScopes {

    static final String PRINCIPAL = "dev.querycache.principal";
    static final String REQUEST = "dev.querycache.request";
    static final ThreadLocal<String> CURRENT_PRINCIPAL = new ThreadLocal<>();
    static final ThreadLocal<RequestScope> CURRENT_REQUEST = new ThreadLocal<>();

    /** Whether the thread-local accessors are registered (context-propagation is on the classpath). */
    private static final boolean ACCESSORS = isPresent("io.micrometer.context.ContextRegistry");

    static {
        if (ACCESSORS) {
            ScopeAccessors.register();
        }
    }

    /** Registers the accessors (once, when this class initializes); whether there are any. */
    static boolean accessorsRegistered() {
        return ACCESSORS;
    }

    private QueryScopes() {
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, QueryScopes.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
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

    /** The caller in {@code ctx}, or null; never anything of the current thread. */
    public static String principal(ContextView ctx) {
        return ctx.getOrDefault(PRINCIPAL, null);
    }

    /** The request in {@code ctx}, or null; never anything of the current thread. */
    public static RequestScope request(ContextView ctx) {
        return ctx.getOrDefault(REQUEST, null);
    }

    /**
     * Runs {@code work} on this thread with {@code principal} (may be null) and {@code request} (may be
     * null) current, for code outside a request's reactive chain; the previous values are restored after.
     */
    public static <T> T callAs(String principal, RequestScope request, Supplier<T> work) {
        String previousPrincipal = CURRENT_PRINCIPAL.get();
        RequestScope previousRequest = CURRENT_REQUEST.get();
        set(CURRENT_PRINCIPAL, principal);
        set(CURRENT_REQUEST, request);
        try {
            return work.get();
        } finally {
            set(CURRENT_PRINCIPAL, previousPrincipal);
            set(CURRENT_REQUEST, previousRequest);
        }
    }

    private static <T> void set(ThreadLocal<T> local, T value) {
        if (value == null) {
            local.remove();
        } else {
            local.set(value);
        }
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

package dev.querycache;

import reactor.util.context.ContextView;

/**
 * Turns an arg into the cache key of the caller's {@code PRINCIPAL} entry — from the Reactor Context
 * (recording the read in the current request) or from the thread ({@link QueryScopes#callAs}) — and
 * fails, naming the endpoint, when there is no caller. Shared by the plain and infinite facades.
 */
final class PrincipalKeys {

    private final EndpointRuntime runtime;

    PrincipalKeys(EndpointRuntime runtime) {
        this.runtime = runtime;
    }

    private ScopedArg key(Object arg, String principal) {
        if (principal == null) {
            throw QueryScopes.missing(runtime.name(), QueryScope.PRINCIPAL);
        }
        return new ScopedArg(principal, arg);
    }

    /** The key for the caller in {@code ctx}; the read is recorded in the request, if any. */
    ScopedArg of(ContextView ctx, Object arg) {
        ScopedArg key = key(arg, QueryScopes.principal(ctx));
        RequestScope request = QueryScopes.request(ctx);
        if (request != null) {
            request.read.add(new RequestScope.Read(runtime, key));
        }
        return key;
    }

    /** The key for the caller set on this thread. */
    ScopedArg current(Object arg) {
        return key(arg, QueryScopes.currentPrincipal());
    }
}

package dev.querycache;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.util.context.ContextView;

/**
 * The scope of an endpoint as a strategy: how the endpoint turns a user's arg into the key of the entry
 * it means. {@code SHARED}: the arg itself. {@code PRINCIPAL}: the caller and the arg
 * ({@link ScopedArg}). {@code REQUEST}: the request and the arg ({@link RequestArg}), an entry that the
 * request removes when it closes. Reactive methods take the caller and the request from their
 * subscriber's Context; synchronous ones from the chain they run in ({@link QueryScopes}). Without the
 * caller or request a scope needs: {@link IllegalStateException} naming the endpoint and the scope.
 * Stateless apart from its references; thread-safe.
 */
abstract class EntryKeys {

    final EndpointRuntime runtime;

    private EntryKeys(EndpointRuntime runtime) {
        this.runtime = runtime;
    }

    static EntryKeys of(EndpointRuntime runtime, CacheEngine cache) {
        return switch (runtime.scope()) {
            case SHARED -> new Shared(runtime);
            case PRINCIPAL -> new Scoped<String>(runtime, QueryScope.PRINCIPAL, QueryScopes::principal,
                    QueryScopes::currentPrincipal, ScopedArg::new);
            case REQUEST -> new Scoped<RequestScope>(runtime, QueryScope.REQUEST, QueryScopes::request,
                    QueryScopes::currentRequest, (request, arg) -> {
                        RequestArg key = new RequestArg(request, arg);
                        request.track(runtime, key, () -> cache.collection.drop(runtime, key));
                        return key;
                    });
        };
    }

    /** Whether the key is the arg itself, so that a call needs no Context (the hit path of SHARED endpoints). */
    boolean isIdentity() {
        return false;
    }

    /** The key for a reactive method, from its subscriber's Context. */
    abstract Object key(ContextView ctx, Object arg);

    /** The key for a synchronous method, from the chain it runs in. */
    abstract Object current(Object arg);

    private static final class Shared extends EntryKeys {
        Shared(EndpointRuntime runtime) {
            super(runtime);
        }

        @Override
        boolean isIdentity() {
            return true;
        }

        @Override
        Object key(ContextView ctx, Object arg) {
            return arg;
        }

        @Override
        Object current(Object arg) {
            return arg;
        }
    }

    /** Keys made of a scope value (the caller, the request) and the arg; no value where one is needed fails. */
    private static final class Scoped<S> extends EntryKeys {
        private final QueryScope scope;
        private final Function<ContextView, S> from;
        private final Supplier<S> here;
        private final BiFunction<S, Object, Object> key;

        Scoped(EndpointRuntime runtime, QueryScope scope, Function<ContextView, S> from, Supplier<S> here,
               BiFunction<S, Object, Object> key) {
            super(runtime);
            this.scope = scope;
            this.from = from;
            this.here = here;
            this.key = key;
        }

        @Override
        Object key(ContextView ctx, Object arg) {
            return checked(from.apply(ctx), arg);
        }

        @Override
        Object current(Object arg) {
            return checked(here.get(), arg);
        }

        private Object checked(S value, Object arg) {
            if (value == null) {
                throw QueryScopes.missing(runtime.name(), scope);
            }
            return key.apply(value, arg);
        }
    }
}

package dev.querycache;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The {@code Mono} that {@link Endpoint#query} answers for an entry keyed by its arg alone: nothing happens
 * until it is subscribed, and every subscription asks the cache anew (a hit, a join or a fetch as the entry
 * is then), so {@code retry()} and {@code repeat()} ask again and an unused {@code Mono} costs nothing.
 *
 * <p>One small object per call, holding the endpoint and the key: 24 bytes, the least a cold answer can
 * hold. A call made inside a web request or under an admission gate makes a {@link Caller} instead, which
 * also holds them (they still apply when it is subscribed elsewhere). The hit path behind it is unchanged.
 * Immutable; thread-safe.
 */
class ColdQuery extends Mono<Object> {

    private final DefaultEndpoint<?, ?> endpoint;
    private final Object key;

    private ColdQuery(DefaultEndpoint<?, ?> endpoint, Object key) {
        this.endpoint = endpoint;
        this.key = key;
    }

    /** The cold query of {@code key} as called now: with the calling thread's web request and gate, if any. */
    static ColdQuery of(DefaultEndpoint<?, ?> endpoint, Object key) {
        RequestScope request = QueryScopes.currentRequest();
        Admission.Gate gate = Admission.current();
        return request == null && gate == null ? new ColdQuery(endpoint, key) : new Caller(endpoint, key, request, gate);
    }

    /** The web request the call was made in (its page records what it read), or null. */
    RequestScope request() {
        return null;
    }

    /** The admission gate of the calling thread, or null: the subscriber's Context's decides then. */
    Admission.Gate gate() {
        return null;
    }

    @Override
    public final void subscribe(CoreSubscriber<? super Object> actual) {
        Mono<Object> now;
        try {
            reactor.util.context.Context ctx = actual.currentContext();
            Admission.Gate assembled = gate();
            Admission.Gate g = assembled != null ? assembled : Admission.current(ctx);
            if (endpoint.cache.tracing == null) {
                now = ask(g);
            } else {   // no lambda: a traced client's hit allocates nothing more
                reactor.util.context.ContextView previous = CallerContext.enter(ctx);
                try {
                    now = ask(g);
                } finally {
                    CallerContext.exit(previous);
                }
            }
        } catch (RuntimeException e) {
            now = Mono.error(e);
        }
        now.subscribe(actual);
    }

    /** Asks now and blocks on the answer: a hit's answer is the entry's state, which blocks without allocating. */
    @Override
    public final Object block() {
        return ask(gate()).block();
    }

    @Override
    public final Object block(java.time.Duration timeout) {
        return ask(gate()).block(timeout);
    }

    /** The cache's answer now: a hit (the entry's state), a join or a fetch. */
    private Mono<Object> ask(Admission.Gate g) {
        DefaultEndpoint<?, ?> e = endpoint;
        return g == null ? DefaultEndpoint.query(e.runtime, e.cache, key, request())
                : askUnder(g, e.runtime, e.cache, key, request());
    }

    /** The gated ask; static, so no lambda captures this object. */
    private static Mono<Object> askUnder(Admission.Gate g, EndpointRuntime runtime, CacheEngine cache, Object key,
                                         RequestScope request) {
        return Admission.call(g, () -> DefaultEndpoint.query(runtime, cache, key, request));
    }

    /** A cold query called inside a web request or under an admission gate. */
    private static final class Caller extends ColdQuery {

        private final RequestScope request;
        private final Admission.Gate gate;

        Caller(DefaultEndpoint<?, ?> endpoint, Object key, RequestScope request, Admission.Gate gate) {
            super(endpoint, key);
            this.request = request;
            this.gate = gate;
        }

        @Override
        RequestScope request() {
            return request;
        }

        @Override
        Admission.Gate gate() {
            return gate;
        }
    }
}

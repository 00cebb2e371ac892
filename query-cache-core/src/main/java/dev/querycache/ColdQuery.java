package dev.querycache;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The {@code Mono} that {@link Endpoint#query} answers for an entry keyed by its arg alone: nothing happens
 * until it is subscribed, and every subscription asks the cache anew (a hit, a join or a fetch as the entry
 * is then), so {@code retry()} and {@code repeat()} ask again and an unused {@code Mono} costs nothing.
 * One small object per call, holding what the call was given (and the calling thread's web request and
 * admission gate, which still apply when it is subscribed elsewhere); the hit path behind it is unchanged.
 * Immutable; thread-safe.
 */
final class ColdQuery extends Mono<Object> {

    private final EndpointRuntime runtime;
    private final CacheEngine cache;
    private final Object key;
    /** The web request the call was made in (its page records what it read), or null. */
    private final RequestScope request;
    /** The admission gate of the calling thread (untrusted web traffic), or null: it decides at subscription. */
    private final Admission.Gate gate;

    ColdQuery(EndpointRuntime runtime, CacheEngine cache, Object key, RequestScope request, Admission.Gate gate) {
        this.runtime = runtime;
        this.cache = cache;
        this.key = key;
        this.request = request;
        this.gate = gate;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        Mono<Object> now;
        try {
            reactor.util.context.Context ctx = actual.currentContext();
            Admission.Gate g = gate != null ? gate : Admission.current(ctx);
            if (cache.tracing == null) {
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
    public Object block() {
        return ask(gate).block();
    }

    @Override
    public Object block(java.time.Duration timeout) {
        return ask(gate).block(timeout);
    }

    /** The cache's answer now: a hit (the entry's state), a join or a fetch. */
    private Mono<Object> ask(Admission.Gate g) {
        return g == null ? DefaultEndpoint.query(runtime, cache, key, request)
                : Admission.call(g, () -> DefaultEndpoint.query(runtime, cache, key, request));
    }
}

package dev.querycache;

import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/** A subscription to one entry. Thread-safe; unsubscribing twice is a no-op. */
final class SubscriptionImpl<R> implements QuerySubscription<R> {

    private final CacheEngine cache;
    final CacheEntry query;
    private final SubscribeOptions options;
    private final AtomicBoolean closed = new AtomicBoolean();

    SubscriptionImpl(CacheEngine cache, CacheEntry query, SubscribeOptions options) {
        this.cache = cache;
        this.query = query;
        this.options = options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public QueryState<R> state() {
        return (QueryState<R>) query.view();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<R> result() {
        return Mono.defer(() -> {
            Fetch f = query.inFlight();
            if (f != null) {
                return f.result();
            }
            EntrySnapshot s = query.state();
            if (s.status() == QueryStatus.ERROR) {
                return Mono.error(s.error);
            }
            return (Mono<R>) s.dataMono();
        });
    }

    @Override
    public Mono<R> refetch() {
        return cache.refetch(query.endpoint, query.arg);
    }

    @Override
    public void unsubscribe() {
        if (closed.compareAndSet(false, true)) {
            cache.unsubscribe(query, options);
        }
    }

    @Override
    public void close() {
        unsubscribe();
    }
}

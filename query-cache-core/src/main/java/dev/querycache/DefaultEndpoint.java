package dev.querycache;

import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@link Endpoint} over one {@link EndpointRuntime}. Thread-safe, stateless beyond its references. */
final class DefaultEndpoint<A, R> implements Endpoint<A, R> {

    private final EndpointRuntime runtime;
    private final QueryCache cache;

    DefaultEndpoint(EndpointRuntime runtime, QueryCache cache) {
        this.runtime = runtime;
        this.cache = cache;
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<R> query(A arg) {
        // The hit path: one Caffeine read (recorded for its eviction policy, no key made), no lock; the Mono
        // was made when the data was stored. Allocates only inside a web request (the page's read list).
        RequestScope request = QueryScopes.currentRequest();
        if (request != null) {
            request.read.add(new RequestScope.Read(runtime, arg));   // inside a web request only: the page's own state
        }
        Query q = runtime.store.getIfPresent(arg == null ? EndpointRuntime.NULL_ARG : arg);
        if (q != null) {
            EntryState s = q.state();
            if (s.isFreshApartFromAge()) {
                long stale = runtime.options().staleMillis();
                if (stale == Long.MAX_VALUE || !s.isStaleByAge(runtime.nowMillis(), stale)) {
                    runtime.hits.increment();
                    return (Mono<R>) (Mono<?>) s;
                }
                if (runtime.options().staleWhileRevalidate()) {
                    runtime.hits.increment();
                    cache.revalidate(runtime, arg);
                    return (Mono<R>) (Mono<?>) s;
                }
            }
        }
        return (Mono<R>) cache.query(runtime, arg, FetchRequest.REFRESH);
    }

    @Override
    public Mono<R> refetch(A arg) {
        return cache.refetch(runtime, arg);
    }

    @Override
    public void prefetch(A arg) {
        prefetch(arg, PrefetchOptions.ifAbsent());
    }

    @Override
    public void prefetch(A arg, PrefetchOptions options) {
        Objects.requireNonNull(options, "options");
        cache.fetch(runtime, arg, FetchRequest.REFRESH, FetchPolicy.of(options));
    }

    @Override
    public QuerySubscription<R> subscribe(A arg) {
        return subscribe(arg, SubscribeOptions.none());
    }

    @Override
    public QuerySubscription<R> subscribe(A arg, SubscribeOptions options) {
        return cache.subscribe(runtime, arg, Objects.requireNonNull(options, "options"));
    }

    @Override
    public Flux<QueryState<R>> watch(A arg) {
        return watch(arg, SubscribeOptions.none());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Flux<QueryState<R>> watch(A arg, SubscribeOptions options) {
        return (Flux) watchFlux(cache, runtime, arg, options);
    }

    /**
     * A subscription for the life of the flux; emits the current state, then each change (latest wins: a
     * watcher slower than the changes skips to the newest state). States arrive on a worker of the
     * watcher's own, never on the thread that changed the entry.
     */
    static Flux<Object> watchFlux(QueryCache cache, EndpointRuntime runtime, Object arg, SubscribeOptions options) {
        Objects.requireNonNull(options, "options");
        return Flux.create(sink -> {
            Watcher watcher = new Watcher(sink);
            SubscriptionImpl<Object> sub = cache.subscribe(runtime, arg, options);
            sub.query.addWatcher(watcher);
            sink.onDispose(() -> {
                sub.query.removeWatcher(watcher);
                sub.unsubscribe();
            });
            watcher.offer(runtime, sub.query.arg, sub.query.state());
        }, FluxSink.OverflowStrategy.LATEST)
                // delivered on a worker of the watcher's own: a slow watcher sees the latest state when it is
                // ready, and never holds up (or, fed by polling, traps for good) the thread that changed the entry
                .publishOn(Schedulers.boundedElastic(), 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public QueryState<R> state(A arg) {
        Query q = runtime.lookup(arg);
        return (QueryState<R>) (q != null ? q.view()
                : StateView.of(runtime, arg, EntryState.initial(runtime.options().staticTags())));
    }

    @Override
    public void setData(A arg, R data) {
        cache.setData(runtime, arg, data);
    }

    @Override
    public boolean updateData(A arg, UnaryOperator<R> updater) {
        return cache.updateData(runtime, arg, Objects.requireNonNull(updater, "updater"));
    }

    @Override
    public void invalidate(A arg) {
        cache.invalidateEntry(runtime, arg);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll(runtime, true);
    }

    @Override
    public String toString() {
        return "Endpoint{" + runtime.name() + "}";
    }
}

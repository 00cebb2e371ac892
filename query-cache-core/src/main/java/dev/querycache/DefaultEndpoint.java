package dev.querycache;

import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link Endpoint} over one {@link EndpointRuntime}, for every scope: the scope is the {@link EntryKeys}
 * strategy that turns an arg into its entry's key. Thread-safe, stateless beyond its references.
 */
final class DefaultEndpoint<A, R> implements Endpoint<A, R> {

    final EndpointRuntime runtime;
    final CacheEngine cache;
    private final EntryKeys keys;

    DefaultEndpoint(EndpointRuntime runtime, CacheEngine cache, EntryKeys keys) {
        this.runtime = runtime;
        this.cache = cache;
        this.keys = keys;
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<R> query(A arg) {
        if (keys.isIdentity()) {
            return (Mono<R>) (Mono<?>) ColdQuery.of(this, arg);
        }
        return Mono.deferContextual(ctx -> (Mono<R>) CallerContext.call(cache, ctx, () -> Admission.callWith(ctx,
                () -> query(runtime, cache, keys.key(ctx, arg), QueryScopes.request(ctx)))));
    }

    /**
     * The hit path: one Caffeine read by key (recorded for its eviction policy, no key made) whose value is
     * the entry's state, no lock; a fresh state is itself the Mono of its data. Allocates only inside a web
     * request (the page's read list).
     */
    static Mono<Object> query(EndpointRuntime runtime, CacheEngine cache, Object key, RequestScope request) {
        if (request != null) {
            request.read.add(new RequestScope.Read(runtime, key));   // inside a request only: the page's own state
        }
        EntrySnapshot s = EntryStore.read(runtime, key);
        if (s != null) {
            if (s.probation) {
                cache.promoteIfTrusted(runtime, key);
            }
            if (s.isFreshApartFromAge()) {
                long stale = runtime.options().staleMillis();
                if (stale == Long.MAX_VALUE || !s.isStaleByAge(runtime.nowMillis(), stale)) {
                    runtime.hits.increment();
                    return s;
                }
                if (runtime.options().staleWhileRevalidate()) {
                    runtime.hits.increment();
                    cache.revalidate(runtime, key);
                    return s;
                }
            }
        }
        return cache.query(runtime, key, FetchRequest.REFRESH);
    }

    @Override
    public Mono<R> refetch(A arg) {
        if (keys.isIdentity()) {
            Admission.Gate assembled = Admission.current();   // cold: at subscription, under the gate of the caller
            return Mono.deferContextual(ctx -> CallerContext.call(cache, ctx, () -> Admission.callUnder(
                    assembled != null ? assembled : Admission.current(ctx), () -> cache.refetch(runtime, arg))));
        }
        return Mono.deferContextual(ctx -> CallerContext.call(cache, ctx,
                () -> Admission.callWith(ctx, () -> cache.refetch(runtime, keys.key(ctx, arg)))));
    }

    @Override
    public void prefetch(A arg) {
        prefetch(arg, PrefetchOptions.ifAbsent());
    }

    @Override
    public void prefetch(A arg, PrefetchOptions options) {
        Objects.requireNonNull(options, "options");
        Object key = keys.current(arg);
        RequestScope.recordPrefetch(runtime, key);
        cache.fetch(runtime, key, FetchRequest.REFRESH, FetchPolicy.of(options));
    }

    @Override
    public QuerySubscription<R> subscribe(A arg) {
        return subscribe(arg, SubscribeOptions.none());
    }

    @Override
    public QuerySubscription<R> subscribe(A arg, SubscribeOptions options) {
        return cache.subscribe(runtime, keys.current(arg), Objects.requireNonNull(options, "options"));
    }

    @Override
    public Flux<QueryState<R>> watch(A arg) {
        return watch(arg, SubscribeOptions.none());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Flux<QueryState<R>> watch(A arg, SubscribeOptions options) {
        return (Flux) watchFlux(cache, runtime, keys, arg, options);
    }

    /**
     * A subscription for the life of the flux; emits the current state, then each change (latest wins: a
     * watcher slower than the changes skips to the newest state). States arrive on a worker of the
     * watcher's own, never on the thread that changed the entry.
     */
    static Flux<Object> watchFlux(CacheEngine cache, EndpointRuntime runtime, EntryKeys keys, Object arg,
                                  SubscribeOptions options) {
        Objects.requireNonNull(options, "options");
        return Flux.deferContextual(ctx -> {
            Object key = keys.key(ctx, arg);
            return Flux.create(sink -> {
                Watcher watcher = new Watcher(sink);
                SubscriptionImpl<Object> sub = cache.subscribe(runtime, key, options);
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
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public QueryState<R> state(A arg) {
        Object key = keys.current(arg);
        CacheEntry q = EntryStore.peek(runtime, key);
        return (QueryState<R>) (q != null ? q.view()
                : StateView.of(runtime, key, EntrySnapshot.initial(null, runtime.options().staticTags())));
    }

    @Override
    public void setData(A arg, R data) {
        cache.setData(runtime, keys.current(arg), data);
    }

    @Override
    public boolean updateData(A arg, UnaryOperator<R> updater) {
        return cache.updateData(runtime, keys.current(arg), Objects.requireNonNull(updater, "updater"));
    }

    /** Invalidates the entry of {@code arg} (for PRINCIPAL endpoints: the caller's; use tags to reach every caller's). */
    @Override
    public void invalidate(A arg) {
        cache.invalidation.invalidateEntry(runtime, keys.current(arg));
    }

    /** Invalidates every entry of this endpoint (for PRINCIPAL endpoints: every caller's). */
    @Override
    public void invalidateAll() {
        cache.invalidation.invalidateAll(runtime, true);
    }

    @Override
    public String toString() {
        return "Endpoint{" + runtime.name() + "}";
    }
}

package dev.querycache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/** A {@code PRINCIPAL} infinite endpoint: {@link PrincipalEndpoint}'s keying over {@link DefaultInfiniteEndpoint}. Thread-safe. */
final class PrincipalInfiniteEndpoint<A, P, R> implements InfiniteEndpoint<A, P, R> {

    private final DefaultInfiniteEndpoint<Object, P, R> entries;
    private final EndpointRuntime runtime;
    private final PrincipalKeys keys;

    PrincipalInfiniteEndpoint(DefaultInfiniteEndpoint<Object, P, R> entries, EndpointRuntime runtime) {
        this.entries = entries;
        this.runtime = runtime;
        this.keys = new PrincipalKeys(runtime);
    }

    private ScopedArg key(ContextView ctx, A arg) {
        return keys.of(ctx, arg);
    }

    private ScopedArg current(A arg) {
        return keys.current(arg);
    }

    @Override public String name() { return runtime.name(); }
    @Override public Mono<InfiniteData<R, P>> query(A arg) { return Mono.deferContextual(ctx -> entries.query(key(ctx, arg))); }
    @Override public Mono<InfiniteData<R, P>> query(A arg, P initialPageParam) {
        return Mono.deferContextual(ctx -> entries.query(key(ctx, arg), initialPageParam));
    }
    @Override public Mono<InfiniteData<R, P>> fetchNextPage(A arg) { return Mono.deferContextual(ctx -> entries.fetchNextPage(key(ctx, arg))); }
    @Override public Mono<InfiniteData<R, P>> fetchPreviousPage(A arg) {
        return Mono.deferContextual(ctx -> entries.fetchPreviousPage(key(ctx, arg)));
    }
    @Override public Mono<InfiniteData<R, P>> refetch(A arg) { return Mono.deferContextual(ctx -> entries.refetch(key(ctx, arg))); }
    @Override public void abort(A arg) { entries.abort(current(arg)); }
    @Override public void prefetch(A arg) { entries.prefetch(current(arg)); }
    @Override public void prefetch(A arg, PrefetchOptions options) { entries.prefetch(current(arg), options); }
    @Override public QuerySubscription<InfiniteData<R, P>> subscribe(A arg) { return entries.subscribe(current(arg)); }
    @Override public QuerySubscription<InfiniteData<R, P>> subscribe(A arg, SubscribeOptions options) {
        return entries.subscribe(current(arg), options);
    }
    @Override public Flux<InfiniteQueryState<R, P>> watch(A arg) { return Flux.deferContextual(ctx -> entries.watch(key(ctx, arg))); }
    @Override public InfiniteQueryState<R, P> state(A arg) { return entries.state(current(arg)); }
    @Override public void setData(A arg, InfiniteData<R, P> data) { entries.setData(current(arg), data); }
    @Override public void invalidate(A arg) { entries.invalidate(current(arg)); }
    @Override public void invalidateAll() { entries.invalidateAll(); }
}

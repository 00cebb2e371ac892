package dev.querycache;

import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * A {@code PRINCIPAL} endpoint: every call is keyed by the caller as well as the arg, so one user's entry
 * is never served to another; everything else (dedup, keepUnusedDataFor, tags, polling, metrics) is the
 * shared machinery of {@link DefaultEndpoint}, over {@link ScopedArg} keys. Thread-safe.
 */
final class PrincipalEndpoint<A, R> implements Endpoint<A, R> {

    private final DefaultEndpoint<Object, R> entries;
    private final EndpointRuntime runtime;
    private final PrincipalKeys keys;

    PrincipalEndpoint(DefaultEndpoint<Object, R> entries, EndpointRuntime runtime) {
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

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public Mono<R> query(A arg) {
        return Mono.deferContextual(ctx -> entries.query(key(ctx, arg)));
    }

    @Override
    public Mono<R> refetch(A arg) {
        return Mono.deferContextual(ctx -> entries.refetch(key(ctx, arg)));
    }

    @Override
    public void prefetch(A arg) {
        entries.prefetch(current(arg));
    }

    @Override
    public void prefetch(A arg, PrefetchOptions options) {
        entries.prefetch(current(arg), options);
    }

    @Override
    public QuerySubscription<R> subscribe(A arg) {
        return entries.subscribe(current(arg));
    }

    @Override
    public QuerySubscription<R> subscribe(A arg, SubscribeOptions options) {
        return entries.subscribe(current(arg), options);
    }

    @Override
    public Flux<QueryState<R>> watch(A arg) {
        return Flux.deferContextual(ctx -> entries.watch(key(ctx, arg)));
    }

    @Override
    public Flux<QueryState<R>> watch(A arg, SubscribeOptions options) {
        return Flux.deferContextual(ctx -> entries.watch(key(ctx, arg), options));
    }

    @Override
    public QueryState<R> state(A arg) {
        return entries.state(current(arg));
    }

    @Override
    public void setData(A arg, R data) {
        entries.setData(current(arg), data);
    }

    @Override
    public boolean updateData(A arg, UnaryOperator<R> updater) {
        return entries.updateData(current(arg), updater);
    }

    /** Invalidates the caller's entry of {@code arg}; use tags to reach every caller's. */
    @Override
    public void invalidate(A arg) {
        entries.invalidate(current(arg));
    }

    /** Invalidates every caller's entries of this endpoint. */
    @Override
    public void invalidateAll() {
        entries.invalidateAll();
    }
}

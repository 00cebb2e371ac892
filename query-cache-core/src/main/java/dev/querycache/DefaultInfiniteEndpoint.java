package dev.querycache;

import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link InfiniteEndpoint} over one {@link EndpointRuntime} with an {@link InfiniteBehavior}, for every
 * scope ({@link EntryKeys}). Thread-safe, stateless beyond its references.
 */
final class DefaultInfiniteEndpoint<A, P, R> implements InfiniteEndpoint<A, P, R> {

    private final EndpointRuntime runtime;
    private final CacheEngine cache;
    private final EntryKeys keys;
    private final DefaultEndpoint<A, InfiniteData<R, P>> plain;

    DefaultInfiniteEndpoint(EndpointRuntime runtime, CacheEngine cache, EntryKeys keys) {
        this.runtime = runtime;
        this.cache = cache;
        this.keys = keys;
        this.plain = new DefaultEndpoint<>(runtime, cache, keys);
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public Mono<InfiniteData<R, P>> query(A arg) {
        return plain.query(arg);
    }

    /** A Mono over the entry's key, taken from the subscriber's Context (or the arg itself when SHARED). */
    @SuppressWarnings("unchecked")
    private Mono<InfiniteData<R, P>> withKey(A arg, Function<Object, Mono<Object>> call) {
        if (keys.isIdentity()) {
            Admission.Gate assembled = Admission.current();   // cold: at subscription, under the gate of the caller
            return Mono.deferContextual(ctx -> (Mono<InfiniteData<R, P>>) (Mono<?>) CallerContext.call(cache, ctx,
                    () -> Admission.callUnder(assembled != null ? assembled : Admission.current(ctx), () -> call.apply(arg))));
        }
        return Mono.deferContextual(ctx -> (Mono<InfiniteData<R, P>>) (Mono<?>) CallerContext.call(cache, ctx,
                () -> Admission.callWith(ctx, () -> call.apply(keys.key(ctx, arg)))));
    }

    @Override
    public Mono<InfiniteData<R, P>> query(A arg, P initialPageParam) {
        if (initialPageParam == null) {
            return plain.query(arg);
        }
        return withKey(arg, key -> {
            CacheEntry q = EntryStore.peek(runtime, key);
            if (q != null && q.state().hasData) {
                return cache.query(runtime, key, FetchRequest.REFRESH);
            }
            return cache.query(runtime, key, new FetchRequest(FetchKind.REFRESH, initialPageParam, 1));
        });
    }

    @Override
    public Mono<InfiniteData<R, P>> fetchNextPage(A arg) {
        return withKey(arg, key -> cache.fetch(runtime, key, FetchRequest.NEXT, FetchPolicy.NEXT_PAGE));
    }

    @Override
    public Mono<InfiniteData<R, P>> fetchPreviousPage(A arg) {
        return withKey(arg, key -> cache.fetch(runtime, key, FetchRequest.PREVIOUS, FetchPolicy.PREVIOUS_PAGE));
    }

    @Override
    public Mono<InfiniteData<R, P>> refetch(A arg) {
        return plain.refetch(arg);
    }

    @Override
    public void abort(A arg) {
        CacheEntry q = EntryStore.peek(runtime, keys.current(arg));
        if (q != null) {
            cache.fetching.abort(q);
        }
    }

    @Override
    public void prefetch(A arg) {
        plain.prefetch(arg);
    }

    @Override
    public void prefetch(A arg, PrefetchOptions options) {
        Objects.requireNonNull(options, "options");
        Object key = keys.current(arg);
        RequestScope.recordPrefetch(runtime, key);
        cache.fetch(runtime, key, new FetchRequest(FetchKind.REFRESH, null, options.pageCount()), FetchPolicy.of(options));
    }

    @Override
    public QuerySubscription<InfiniteData<R, P>> subscribe(A arg) {
        return plain.subscribe(arg);
    }

    @Override
    public QuerySubscription<InfiniteData<R, P>> subscribe(A arg, SubscribeOptions options) {
        return plain.subscribe(arg, options);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Flux<InfiniteQueryState<R, P>> watch(A arg) {
        return (Flux) DefaultEndpoint.watchFlux(cache, runtime, keys, arg, SubscribeOptions.none());
    }

    @Override
    @SuppressWarnings("unchecked")
    public InfiniteQueryState<R, P> state(A arg) {
        return (InfiniteQueryState<R, P>) plain.state(arg);
    }

    @Override
    public void setData(A arg, InfiniteData<R, P> data) {
        plain.setData(arg, Objects.requireNonNull(data, "data"));
    }

    @Override
    public void invalidate(A arg) {
        plain.invalidate(arg);
    }

    @Override
    public void invalidateAll() {
        plain.invalidateAll();
    }

    @Override
    public String toString() {
        return "InfiniteEndpoint{" + runtime.name() + "}";
    }
}

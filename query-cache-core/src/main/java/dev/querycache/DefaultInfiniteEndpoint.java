package dev.querycache;

import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link InfiniteEndpoint} over one {@link EndpointRuntime} with an {@link InfiniteBehavior}. Thread-safe. */
final class DefaultInfiniteEndpoint<A, P, R> implements InfiniteEndpoint<A, P, R> {

    private final EndpointRuntime runtime;
    private final QueryCache cache;
    private final DefaultEndpoint<A, InfiniteData<R, P>> plain;

    DefaultInfiniteEndpoint(EndpointRuntime runtime, QueryCache cache) {
        this.runtime = runtime;
        this.cache = cache;
        this.plain = new DefaultEndpoint<>(runtime, cache);
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public Mono<InfiniteData<R, P>> query(A arg) {
        return plain.query(arg);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<InfiniteData<R, P>> query(A arg, P initialPageParam) {
        if (initialPageParam == null) {
            return plain.query(arg);
        }
        Query q = runtime.lookup(arg);
        if (q != null && q.state().hasData) {
            return plain.query(arg);
        }
        return (Mono<InfiniteData<R, P>>) (Mono<?>) cache.query(runtime, arg,
                new FetchRequest(FetchKind.REFRESH, initialPageParam, 1));
    }

    @Override
    public Mono<InfiniteData<R, P>> fetchNextPage(A arg) {
        return page(arg, FetchRequest.NEXT, FetchPolicy.NEXT_PAGE);
    }

    @Override
    public Mono<InfiniteData<R, P>> fetchPreviousPage(A arg) {
        return page(arg, FetchRequest.PREVIOUS, FetchPolicy.PREVIOUS_PAGE);
    }

    @SuppressWarnings("unchecked")
    private Mono<InfiniteData<R, P>> page(A arg, FetchRequest request, FetchPolicy policy) {
        return (Mono<InfiniteData<R, P>>) (Mono<?>) cache.fetch(runtime, arg, request, policy);
    }

    @Override
    public Mono<InfiniteData<R, P>> refetch(A arg) {
        return plain.refetch(arg);
    }

    @Override
    public void abort(A arg) {
        Query q = runtime.lookup(arg);
        if (q != null) {
            cache.abort(q);
        }
    }

    @Override
    public void prefetch(A arg) {
        plain.prefetch(arg);
    }

    @Override
    public void prefetch(A arg, PrefetchOptions options) {
        Objects.requireNonNull(options, "options");
        cache.fetch(runtime, arg, new FetchRequest(FetchKind.REFRESH, null, options.pageCount()), FetchPolicy.of(options));
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
        return (Flux) DefaultEndpoint.watchFlux(cache, runtime, arg, SubscribeOptions.none());
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

package dev.querycache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@code REQUEST} infinite endpoint: {@link #query} fetches the first page into the current request
 * only (as {@link RequestEndpoint}); page-by-page methods need an entry that outlives the request and
 * fail with an explanation. Thread-safe.
 */
final class RequestInfiniteEndpoint<A, P, R> implements InfiniteEndpoint<A, P, R> {

    private final RequestEndpoint<A, InfiniteData<R, P>> first;
    private final EndpointRuntime runtime;

    RequestInfiniteEndpoint(EndpointRuntime runtime) {
        this.first = new RequestEndpoint<>(runtime);
        this.runtime = runtime;
    }

    private UnsupportedOperationException only() {
        return new UnsupportedOperationException("endpoint '" + runtime.name() + "' has scope REQUEST: its entries live "
                + "only inside one request, so only query(arg) (the first page) is available");
    }

    @Override public String name() { return runtime.name(); }
    @Override public Mono<InfiniteData<R, P>> query(A arg) { return first.query(arg); }
    @Override public Mono<InfiniteData<R, P>> query(A arg, P initialPageParam) { throw only(); }
    @Override public Mono<InfiniteData<R, P>> fetchNextPage(A arg) { throw only(); }
    @Override public Mono<InfiniteData<R, P>> fetchPreviousPage(A arg) { throw only(); }
    @Override public Mono<InfiniteData<R, P>> refetch(A arg) { return first.refetch(arg); }
    @Override public void abort(A arg) { throw only(); }
    @Override public void prefetch(A arg) { throw only(); }
    @Override public void prefetch(A arg, PrefetchOptions options) { throw only(); }
    @Override public QuerySubscription<InfiniteData<R, P>> subscribe(A arg) { throw only(); }
    @Override public QuerySubscription<InfiniteData<R, P>> subscribe(A arg, SubscribeOptions options) { throw only(); }
    @Override public Flux<InfiniteQueryState<R, P>> watch(A arg) { throw only(); }
    @Override public InfiniteQueryState<R, P> state(A arg) { throw only(); }
    @Override public void setData(A arg, InfiniteData<R, P> data) { throw only(); }
    @Override public void invalidate(A arg) { throw only(); }
    @Override public void invalidateAll() { throw only(); }
}

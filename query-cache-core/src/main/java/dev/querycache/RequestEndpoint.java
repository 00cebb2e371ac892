package dev.querycache;

import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@code REQUEST} endpoint: entries live in the current {@link RequestScope} only — de-duplicated
 * within the request, gone when it ends, never in the shared cache. Only {@link #query} (and
 * {@link #refetch}, the same here) make sense; the other methods fail with an explanation. Thread-safe.
 */
final class RequestEndpoint<A, R> implements Endpoint<A, R> {

    private final EndpointRuntime runtime;

    RequestEndpoint(EndpointRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<R> query(A arg) {
        return Mono.deferContextual(ctx -> {
            RequestScope request = QueryScopes.request(ctx);
            if (request == null) {
                return Mono.error(QueryScopes.missing(runtime.name(), QueryScope.REQUEST));
            }
            RequestScope.RequestKey key = new RequestScope.RequestKey(runtime, arg);
            boolean[] created = new boolean[1];
            Mono<Object> entry = request.entries.computeIfAbsent(key, k -> {
                created[0] = true;
                runtime.fetches.increment();
                runtime.liveRequestEntries.incrementAndGet();
                return runtime.behavior().fetch(runtime, arg, EntryState.initial(runtime.options().staticTags()), FetchRequest.REFRESH)
                        .doOnNext(v -> request.values.put(k, v))
                        .cache();
            });
            (created[0] ? runtime.misses : runtime.hits).increment();
            return (Mono<R>) entry;
        });
    }

    @Override
    public Mono<R> refetch(A arg) {
        return query(arg);
    }

    private UnsupportedOperationException only() {
        return new UnsupportedOperationException("endpoint '" + runtime.name() + "' has scope REQUEST: its entries live "
                + "only inside one request, so only query(arg) is available");
    }

    @Override public void prefetch(A arg) { throw only(); }
    @Override public void prefetch(A arg, PrefetchOptions options) { throw only(); }
    @Override public QuerySubscription<R> subscribe(A arg) { throw only(); }
    @Override public QuerySubscription<R> subscribe(A arg, SubscribeOptions options) { throw only(); }
    @Override public Flux<QueryState<R>> watch(A arg) { throw only(); }
    @Override public Flux<QueryState<R>> watch(A arg, SubscribeOptions options) { throw only(); }
    @Override public QueryState<R> state(A arg) { throw only(); }
    @Override public void setData(A arg, R data) { throw only(); }
    @Override public boolean updateData(A arg, UnaryOperator<R> updater) { throw only(); }
    @Override public void invalidate(A arg) { throw only(); }
    @Override public void invalidateAll() { throw only(); }
}

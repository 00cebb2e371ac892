package dev.querycache;

import dev.querycache.spi.FetchObserver;
import java.util.List;
import java.util.Map;

/** The {@link QueryClient.Inspector} of a {@link DefaultQueryClient}: live reads over its endpoints and store. Thread-safe. */
final class ClientInspector implements QueryClient.Inspector {

    private final CacheEngine cache;
    private final Map<String, EndpointRuntime> byName;
    private final String instanceId;

    ClientInspector(CacheEngine cache, Map<String, EndpointRuntime> byName, String instanceId) {
        this.cache = cache;
        this.byName = byName;
        this.instanceId = instanceId;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public List<String> endpointNames() {
        return List.copyOf(byName.keySet());
    }

    private EndpointRuntime runtime(String endpoint) {
        EndpointRuntime rt = byName.get(endpoint);
        if (rt == null) {
            throw new UnknownEndpointException("no endpoint named '" + endpoint + "'; known: " + byName.keySet());
        }
        return rt;
    }

    @Override
    public QueryScope scope(String endpoint) {
        return runtime(endpoint).scope();
    }

    @Override
    public boolean isInfinite(String endpoint) {
        return runtime(endpoint).isInfinite();
    }

    @Override
    public Class<?> fetcherType(String endpoint) {
        return runtime(endpoint).behavior().fetcher().getClass();
    }

    @Override
    public QueryCacheStats stats(String endpoint) {
        return runtime(endpoint).stats();
    }

    @Override
    public long sharedCount(String endpoint) {
        return runtime(endpoint).sharedLoads.sum();
    }

    @Override
    public int size() {
        return cache.store.size();
    }

    @Override
    public int requestEntryCount() {
        int n = 0;
        for (EndpointRuntime rt : byName.values()) {
            n += rt.liveRequestEntries.get();
        }
        return n;
    }

    @Override
    public int subscriptionCount() {
        int n = 0;
        for (CacheEntry q : cache.store.all()) {
            n += q.state().subscribers;
        }
        return n;
    }

    @Override
    public reactor.core.Disposable observeFetches(FetchObserver observer) {
        return cache.fetching.observeFetches(observer);
    }

    @Override
    public reactor.core.publisher.Flux<QueryState<?>> invalidations() {
        return cache.invalidation.invalidated().flux();
    }
}

package dev.querycache.spring.cache;

import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryClient;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/** A {@link CacheManager} with one cache per plain endpoint, each an {@link EndpointCache} view. Thread-safe. */
public class QueryCacheCacheManager implements CacheManager {

    private final QueryClient client;
    private final Map<String, Cache> caches = new ConcurrentHashMap<>();

    public QueryCacheCacheManager(QueryClient client) {
        this.client = client;
    }

    @Override
    public Cache getCache(String name) {
        if (!client.inspector().endpointNames().contains(name)) {
            return null;
        }
        return caches.computeIfAbsent(name, n -> client.inspector().isInfinite(n)
                ? new EndpointCache(client.infiniteEndpoint(n))
                : new EndpointCache(client.endpoint(n)));
    }

    @Override
    public Collection<String> getCacheNames() {
        return client.inspector().endpointNames();
    }
}

package dev.querycache.spring.cache;

import dev.querycache.Endpoint;
import dev.querycache.InfiniteEndpoint;
import dev.querycache.QueryState;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One endpoint seen as a Spring {@link Cache}: reads answer the cached data of the entry whose arg is the
 * key (never fetching), {@code evict} invalidates the entry, {@code clear} invalidates every entry, and
 * {@code put} writes data as {@code setData} does (plain endpoints only). Thread-safe.
 */
final class EndpointCache implements Cache {

    private final String name;
    private final Object nativeCache;
    private final Function<Object, QueryState<?>> state;
    private final Consumer<Object> invalidate;
    private final Runnable invalidateAll;
    private final Endpoint<Object, Object> writable;

    EndpointCache(Endpoint<Object, Object> endpoint) {
        this.name = endpoint.name();
        this.nativeCache = endpoint;
        this.state = endpoint::state;
        this.invalidate = endpoint::invalidate;
        this.invalidateAll = endpoint::invalidateAll;
        this.writable = endpoint;
    }

    EndpointCache(InfiniteEndpoint<Object, Object, Object> endpoint) {
        this.name = endpoint.name();
        this.nativeCache = endpoint;
        this.state = endpoint::state;
        this.invalidate = endpoint::invalidate;
        this.invalidateAll = endpoint::invalidateAll;
        this.writable = null;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getNativeCache() {
        return nativeCache;
    }

    @Override
    public ValueWrapper get(Object key) {
        QueryState<?> s = state.apply(key);
        return s.fulfilledAt() != null ? new SimpleValueWrapper(s.data()) : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Class<T> type) {
        ValueWrapper w = get(key);
        Object v = w == null ? null : w.get();
        if (v != null && type != null && !type.isInstance(v)) {
            throw new IllegalStateException("cached value of '" + name + "' for " + key + " is a " + v.getClass().getName()
                    + ", not a " + type.getName());
        }
        return (T) v;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        ValueWrapper w = get(key);
        if (w != null) {
            return (T) w.get();
        }
        try {
            T value = valueLoader.call();
            put(key, value);
            return value;
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
    }

    @Override
    public void put(Object key, Object value) {
        if (writable == null) {
            throw new UnsupportedOperationException("cache '" + name + "' is an infinite endpoint: write pages with setData");
        }
        writable.setData(key, value);
    }

    @Override
    public void evict(Object key) {
        invalidate.accept(key);
    }

    @Override
    public void clear() {
        invalidateAll.run();
    }
}

package dev.querycache;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.Invalidation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@link QueryClient}: a facade over {@link CacheEngine} and the registered endpoints. Thread-safe. */
final class DefaultQueryClient implements QueryClient {

    private final CacheEngine cache;
    private final Map<String, EndpointRuntime> byName;
    private final Map<String, Object> facades;
    private final ConcurrentHashMap<Class<?>, Object> byClass = new ConcurrentHashMap<>();
    private final String instanceId = java.util.UUID.randomUUID().toString();
    private final InvalidationBus bus;
    private final Inspector inspector;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    DefaultQueryClient(CacheEngine cache, Map<String, EndpointRuntime> byName, InvalidationBus bus) {
        MaintenanceThread.acquire();   // released by close
        this.cache = cache;
        this.byName = byName;
        this.bus = bus;
        Map<String, Object> f = new LinkedHashMap<>();
        byName.forEach((name, rt) -> {
            EntryKeys keys = EntryKeys.of(rt, cache);
            f.put(name, rt.isInfinite() ? new DefaultInfiniteEndpoint<>(rt, cache, keys) : new DefaultEndpoint<>(rt, cache, keys));
        });
        this.facades = f;
        this.inspector = new ClientInspector(cache, byName, instanceId);
        if (bus != null) {
            cache.invalidation.publishTo(invalidation -> bus.publish(withOrigin(invalidation)));
            bus.start(instanceId, this::applyRemote);
        }
    }

    /** See {@link Admission#discard}. */
    Admission.Discarded discardOnProbation(String endpoint, String principal, Object arg) {
        EndpointRuntime rt = byName.get(endpoint);
        if (rt == null) {
            throw new UnknownEndpointException("no endpoint named '" + endpoint + "'");
        }
        return cache.collection.discardOnProbation(rt, EntryKey.of(principal, arg));
    }

    /** {@code i} as this client sends it: its own id as the origin. */
    private Invalidation withOrigin(Invalidation i) {
        return switch (i.kind()) {
            case TAGS -> Invalidation.tags(instanceId, i.tags());
            case ENTRY -> Invalidation.entry(instanceId, i.endpoint(), i.arg(), i.principal());
            case ENDPOINT -> Invalidation.endpoint(instanceId, i.endpoint(), i.principal());
        };
    }

    /** Applies another instance's invalidation exactly as a local one, without publishing it again. */
    private void applyRemote(Invalidation i) {
        if (instanceId.equals(i.origin())) {
            return;
        }
        switch (i.kind()) {
            case TAGS -> cache.invalidation.invalidateTags(i.tags(), false);
            case ENTRY -> {
                EndpointRuntime rt = byName.get(i.endpoint());
                if (rt != null) {
                    cache.invalidation.invalidateRemoteEntry(rt, i.arg(), i.principal());
                }
            }
            case ENDPOINT -> {
                EndpointRuntime rt = byName.get(i.endpoint());
                if (rt != null && i.principal() != null) {
                    cache.invalidation.invalidateCallerEntries(rt, i.principal());
                } else if (rt != null) {
                    cache.invalidation.invalidateAll(rt, false);
                }
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A, R> Endpoint<A, R> endpoint(Class<? extends QueryFetcher<A, R>> type) {
        return (Endpoint<A, R>) byType(type, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A, P, R> InfiniteEndpoint<A, P, R> infiniteEndpoint(Class<? extends InfiniteQueryFetcher<A, P, R>> type) {
        return (InfiniteEndpoint<A, P, R>) byType(type, true);
    }

    private Object byType(Class<?> type, boolean infinite) {
        Objects.requireNonNull(type, "type");
        Object found = byClass.get(type);
        if (found != null) {
            return found;
        }
        List<String> matches = new ArrayList<>();
        byName.forEach((name, rt) -> {
            if (rt.isInfinite() == infinite && type.isInstance(rt.behavior().fetcher())) {
                matches.add(name);
            }
        });
        if (matches.size() != 1) {
            String what = infinite ? "infinite endpoint" : "endpoint";
            throw new UnknownEndpointException(matches.isEmpty()
                    ? "no " + what + " is registered for " + type.getName() + ": register it with QueryClient.builder()."
                            + (infinite ? "infiniteEndpoint" : "endpoint") + "(..), or, with the Spring Boot starter, make "
                            + type.getSimpleName() + " a bean (annotate it @Component, or return it from a @Bean method). "
                            + "Registered endpoints: " + names(false) + "; infinite endpoints: " + names(true)
                    : "more than one " + what + " is registered for " + type.getName() + ": " + matches);
        }
        Object facade = facades.get(matches.get(0));
        byClass.put(type, facade);
        return facade;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Endpoint<Object, Object> endpoint(String name) {
        EndpointRuntime rt = byName.get(name);
        if (rt == null || rt.isInfinite()) {
            throw new UnknownEndpointException("no endpoint named '" + name + "'; endpoints: " + names(false)
                    + "; infinite endpoints: " + names(true));
        }
        return (Endpoint<Object, Object>) facades.get(name);
    }

    @Override
    @SuppressWarnings("unchecked")
    public InfiniteEndpoint<Object, Object, Object> infiniteEndpoint(String name) {
        EndpointRuntime rt = byName.get(name);
        if (rt == null || !rt.isInfinite()) {
            throw new UnknownEndpointException("no infinite endpoint named '" + name + "'; infinite endpoints: "
                    + names(true) + "; endpoints: " + names(false));
        }
        return (InfiniteEndpoint<Object, Object, Object>) facades.get(name);
    }

    private List<String> names(boolean infinite) {
        return byName.values().stream().filter(rt -> rt.isInfinite() == infinite).map(EndpointRuntime::name).toList();
    }

    @Override
    public void invalidateTags(Tag... tags) {
        invalidateTags(Arrays.asList(tags));
    }

    @Override
    public void invalidateTags(Collection<Tag> tags) {
        cache.invalidation.invalidateTags(tags, true);
    }

    @Override
    public Mono<Void> awaitRunningQueries() {
        return cache.fetching.awaitRunning();
    }

    @Override
    public DehydratedState dehydrate(RequestScope request) {
        List<DehydratedState.DehydratedQuery> out = new ArrayList<>();
        for (RequestScope.Read r : request.read) {
            CacheEntry q = EntryStore.peek(r.endpoint(), r.key());
            EntrySnapshot s = q == null ? null : q.state();
            if (s != null && s.status() == QueryStatus.SUCCESS && s.hasData) {
                out.add(new DehydratedState.DehydratedQuery(q.endpoint.name(), EntryKey.userArg(q.arg), s.data, java.time.Instant.ofEpochMilli(s.fulfilledAtMillis),
                        s.tags, q.endpoint.isInfinite()));
            }
        }
        return new DehydratedState(out);
    }

    @Override
    public DehydratedState dehydrate() {
        List<DehydratedState.DehydratedQuery> out = new ArrayList<>();
        for (CacheEntry q : cache.store.all()) {
            EntrySnapshot s = q.state();
            if (s.status() == QueryStatus.SUCCESS && s.hasData && EntryKey.isShared(q.arg)) {
                out.add(new DehydratedState.DehydratedQuery(q.endpoint.name(), q.arg, s.data, java.time.Instant.ofEpochMilli(s.fulfilledAtMillis), s.tags,
                        q.endpoint.isInfinite()));
            }
        }
        return new DehydratedState(out);
    }

    @Override
    public void hydrate(DehydratedState state) {
        for (DehydratedState.DehydratedQuery d : state.queries()) {
            EndpointRuntime rt = byName.get(d.endpoint());
            // an entry of a scoped endpoint names no owner: it could never be served, so it is not kept
            if (rt != null && rt.isInfinite() == d.infinite() && rt.scope() == QueryScope.SHARED) {
                cache.hydrate(rt, d);
            }
        }
    }

    @Override
    public void resetApiState() {
        cache.reset();
    }

    @Override
    public List<QueryState<?>> entries() {
        List<QueryState<?>> out = new ArrayList<>();
        for (CacheEntry q : cache.store.all()) {
            if (EntryKey.outlivesItsRequest(q.arg)) {   // a request's own entries are its business
                out.add(q.view());
            }
        }
        return out;
    }

    @Override
    public QueryCacheStats stats() {
        QueryCacheStats sum = new QueryCacheStats(0, 0, 0, 0, 0, 0);
        for (EndpointRuntime rt : byName.values()) {
            sum = sum.plus(rt.stats());
        }
        return sum.plus(new QueryCacheStats(0, 0, 0, 0, 0, 0, cache.events().droppedCount()));
    }

    @Override
    public Inspector inspector() {
        return inspector;
    }

    @Override
    public Flux<QueryCacheEvent> events() {
        return cache.events().flux();
    }

    /** The engine behind this client (tests). */
    CacheEngine engine() {
        return cache;
    }

    /** Runs pending expiry/size maintenance now. */
    void cleanUp() {
        cache.store.cleanUp();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (bus != null) {
                bus.stop();
            }
            cache.close();
        } finally {
            MaintenanceThread.release();
        }
    }
}

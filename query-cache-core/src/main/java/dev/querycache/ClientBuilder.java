package dev.querycache;

import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.SharedLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** {@link QueryClient#builder()}: collects registrations; validates everything in {@link #build()}. Not thread-safe. */
final class ClientBuilder implements QueryClient.Builder {

    private record Registration(String name, Object fetcher, EndpointOptions options, boolean infinite) {
    }

    private final List<Registration> registrations = new ArrayList<>();
    private EndpointOptions defaults = EndpointOptions.none();
    private long maximumSize = 10_000;
    private Scheduler scheduler = Schedulers.parallel();
    private final List<FetchObserver> observers = new ArrayList<>();
    private InvalidationBus bus;
    private UnaryOperator<Throwable> storedErrors = UnaryOperator.identity();
    private SharedLevel sharedLevel;
    private dev.querycache.spi.FetchTracing tracing;

    @Override
    public QueryClient.Builder sharedLevel(SharedLevel level) {
        this.sharedLevel = Objects.requireNonNull(level, "level");
        return this;
    }

    @Override
    public QueryClient.Builder storedErrors(UnaryOperator<Throwable> compactor) {
        UnaryOperator<Throwable> before = storedErrors;
        Objects.requireNonNull(compactor, "compactor");
        storedErrors = e -> {
            Throwable t = before.apply(e);
            return compactor.apply(t == null ? e : t);
        };
        return this;
    }

    @Override
    public QueryClient.Builder invalidationBus(InvalidationBus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
        return this;
    }

    @Override
    public QueryClient.Builder fetchObserver(FetchObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
        return this;
    }

    @Override
    public QueryClient.Builder fetchTracing(dev.querycache.spi.FetchTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        return this;
    }

    @Override
    public QueryClient.Builder endpoint(QueryFetcher<?, ?> fetcher) {
        registrations.add(new Registration(null, Objects.requireNonNull(fetcher, "fetcher"), EndpointOptions.none(), false));
        return this;
    }

    @Override
    public QueryClient.Builder endpoint(String name, QueryFetcher<?, ?> fetcher, EndpointOptions options) {
        registrations.add(new Registration(requireName(name), Objects.requireNonNull(fetcher, "fetcher"),
                Objects.requireNonNull(options, "options"), false));
        return this;
    }

    @Override
    public QueryClient.Builder infiniteEndpoint(InfiniteQueryFetcher<?, ?, ?> fetcher) {
        registrations.add(new Registration(null, Objects.requireNonNull(fetcher, "fetcher"), EndpointOptions.none(), true));
        return this;
    }

    @Override
    public QueryClient.Builder infiniteEndpoint(String name, InfiniteQueryFetcher<?, ?, ?> fetcher, EndpointOptions options) {
        registrations.add(new Registration(requireName(name), Objects.requireNonNull(fetcher, "fetcher"),
                Objects.requireNonNull(options, "options"), true));
        return this;
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("endpoint name must not be blank");
        }
        return name;
    }

    @Override
    public QueryClient.Builder defaults(EndpointOptions defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        return this;
    }

    @Override
    public QueryClient.Builder maximumSize(long maxUnusedEntries) {
        if (maxUnusedEntries < 0) {
            throw new IllegalArgumentException("maximumSize must not be negative but was " + maxUnusedEntries);
        }
        this.maximumSize = maxUnusedEntries;
        return this;
    }

    @Override
    public QueryClient.Builder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    @Override
    public QueryClient build() {
        Map<String, EndpointRuntime> byName = new LinkedHashMap<>();
        CacheEngine cache = new CacheEngine(List.copyOf(observers), storedErrors);
        cache.tracing = tracing;
        defaults.check(null, InvalidEndpointOptionException.Source.DEFAULTS);
        EndpointOptions clientBound = EndpointOptions.builder().maximumSize(maximumSize).build();
        Map<String, Object> owners = new LinkedHashMap<>();
        for (Registration r : registrations) {
            EndpointAnnotation a = EndpointAnnotation.of(r.fetcher(), r.infinite());
            String name = r.name() != null ? r.name() : a.defaultName();
            Object previous = owners.putIfAbsent(name, r.fetcher());
            if (previous != null) {
                throw new IllegalArgumentException("duplicate endpoint name '" + name + "': registered for "
                        + previous.getClass().getName() + " and " + r.fetcher().getClass().getName());
            }
            EndpointOptions explicit = r.options().check(name, InvalidEndpointOptionException.Source.OPTIONS);
            EndpointOptions merged = explicit.orElse(a.options(name)).orElse(defaults).orElse(clientBound)
                    .orElse(ResolvedOptions.BUILT_IN);
            ResolvedOptions resolved = ResolvedOptions.of(merged, a.staticTags());
            FetchBehavior behavior = r.infinite()
                    ? new InfiniteBehavior((InfiniteQueryFetcher<?, ?, ?>) r.fetcher())
                    : new PlainBehavior((QueryFetcher<?, ?>) r.fetcher());
            byName.put(name, new EndpointRuntime(name, behavior, resolved, scheduler, cache.store::open, cache.polling));
        }
        if (sharedLevel != null) {
            cache.store.shareThrough(sharedLevel);
        }
        return new DefaultQueryClient(cache, byName, bus);
    }
}

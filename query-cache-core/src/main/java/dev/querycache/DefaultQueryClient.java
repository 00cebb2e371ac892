package dev.querycache;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.Invalidation;
import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.SharedLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The {@link QueryClient}: a facade over {@link QueryCache} and the registered endpoints. Thread-safe. */
final class DefaultQueryClient implements QueryClient {

    private final QueryCache cache;
    private final Map<String, EndpointRuntime> byName;
    private final Map<String, Object> facades;
    private final ConcurrentHashMap<Class<?>, Object> byClass = new ConcurrentHashMap<>();
    private final String instanceId = java.util.UUID.randomUUID().toString();
    private final InvalidationBus bus;
    private final Inspector inspector;

    private DefaultQueryClient(QueryCache cache, Map<String, EndpointRuntime> byName, InvalidationBus bus) {
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
            EntryState s = q == null ? null : q.state();
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
            EntryState s = q.state();
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

    /** Runs pending expiry/size maintenance now. */
    void cleanUp() {
        cache.store.cleanUp();
    }

    @Override
    public void close() {
        if (bus != null) {
            bus.stop();
        }
        cache.close();
    }

    // ------------------------------------------------------------------------------------- builder

    /** Collects registrations; validates everything in {@link #build()}. Not thread-safe. */
    static final class BuilderImpl implements QueryClient.Builder {

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

        @Override
        public Builder sharedLevel(SharedLevel level) {
            this.sharedLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        @Override
        public Builder storedErrors(UnaryOperator<Throwable> compactor) {
            UnaryOperator<Throwable> before = storedErrors;
            Objects.requireNonNull(compactor, "compactor");
            storedErrors = e -> {
                Throwable t = before.apply(e);
                return compactor.apply(t == null ? e : t);
            };
            return this;
        }

        @Override
        public Builder invalidationBus(InvalidationBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        @Override
        public Builder fetchObserver(FetchObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        @Override
        public Builder endpoint(QueryFetcher<?, ?> fetcher) {
            registrations.add(new Registration(null, Objects.requireNonNull(fetcher, "fetcher"), EndpointOptions.none(), false));
            return this;
        }

        @Override
        public Builder endpoint(String name, QueryFetcher<?, ?> fetcher, EndpointOptions options) {
            registrations.add(new Registration(requireName(name), Objects.requireNonNull(fetcher, "fetcher"),
                    Objects.requireNonNull(options, "options"), false));
            return this;
        }

        @Override
        public Builder infiniteEndpoint(InfiniteQueryFetcher<?, ?, ?> fetcher) {
            registrations.add(new Registration(null, Objects.requireNonNull(fetcher, "fetcher"), EndpointOptions.none(), true));
            return this;
        }

        @Override
        public Builder infiniteEndpoint(String name, InfiniteQueryFetcher<?, ?, ?> fetcher, EndpointOptions options) {
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
        public Builder defaults(EndpointOptions defaults) {
            this.defaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        @Override
        public Builder maximumSize(long maxUnusedEntries) {
            if (maxUnusedEntries < 0) {
                throw new IllegalArgumentException("maximumSize must not be negative but was " + maxUnusedEntries);
            }
            this.maximumSize = maxUnusedEntries;
            return this;
        }

        @Override
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        @Override
        public QueryClient build() {
            Map<String, EndpointRuntime> byName = new LinkedHashMap<>();
            QueryCache cache = new QueryCache(List.copyOf(observers), storedErrors);
            defaults.check(null, InvalidEndpointOptionException.Source.DEFAULTS);
            EndpointOptions clientBound = EndpointOptions.builder().maximumSize(maximumSize).build();
            Map<String, Object> owners = new LinkedHashMap<>();
            for (Registration r : registrations) {
                Annotated a = Annotated.of(r.fetcher(), r.infinite());
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
                byName.put(name, new EndpointRuntime(name, behavior, resolved, scheduler, cache.store::open));
            }
            if (sharedLevel != null) {
                cache.store.shareThrough(sharedLevel);
            }
            return new DefaultQueryClient(cache, byName, bus);
        }
    }

    /** What a fetcher's annotation says. */
    private record Annotated(Class<?> annotatedClass, QueryEndpoint plain, InfiniteQueryEndpoint infinite,
                             Class<?> fetcherClass) {

        static Annotated of(Object fetcher, boolean infinite) {
            Class<?> c = fetcher.getClass();
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                QueryEndpoint p = k.getAnnotation(QueryEndpoint.class);
                InfiniteQueryEndpoint i = k.getAnnotation(InfiniteQueryEndpoint.class);
                if (p != null || i != null) {
                    if (infinite && p != null && i == null) {
                        throw new IllegalArgumentException(k.getName() + " is annotated @QueryEndpoint but registered as an "
                                + "infinite endpoint; use @InfiniteQueryEndpoint");
                    }
                    if (!infinite && i != null && p == null) {
                        throw new IllegalArgumentException(k.getName() + " is annotated @InfiniteQueryEndpoint but registered "
                                + "as a plain endpoint; use @QueryEndpoint");
                    }
                    return new Annotated(k, infinite ? null : p, infinite ? i : null, c);
                }
            }
            return new Annotated(null, null, null, c);
        }

        String defaultName() {
            String n = annotatedClass != null && !annotatedName().isEmpty() ? annotatedName() : null;
            if (n != null) {
                return n;
            }
            Class<?> c = annotatedClass != null ? annotatedClass : fetcherClass;
            if (c.isAnonymousClass() || c.isSynthetic() || c.isHidden() || c.getSimpleName().isEmpty()) {
                throw new IllegalArgumentException("a lambda or anonymous fetcher (" + fetcherClass.getName()
                        + ") has no name: register it with endpoint(name, fetcher, options)");
            }
            String simple = c.getSimpleName();
            return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
        }

        private String annotatedName() {
            return plain != null ? plain.name() : infinite != null ? infinite.name() : "";
        }

        Set<Tag> staticTags() {
            String[] types = plain != null ? plain.tags() : infinite != null ? infinite.tags() : new String[0];
            Set<Tag> tags = new LinkedHashSet<>();
            for (String t : types) {
                tags.add(Tag.of(t));
            }
            return tags;
        }

        /**
         * The options the annotation writes, read generically: a duration attribute is a string ({@code ""} =
         * not written), any other a one-value array ({@code {}} = not written).
         *
         * @throws InvalidEndpointOptionException for an attribute that does not parse, has several values or
         *     a value its option does not accept
         */
        EndpointOptions options(String endpoint) {
            java.lang.annotation.Annotation annotation = plain != null ? plain : infinite;
            EndpointOptions options = EndpointOptions.none();
            if (annotation == null) {
                return options;
            }
            for (EndpointOption option : EndpointOption.all()) {
                Object written = attribute(annotation, option.optionName());
                Object value = written == null ? null : value(endpoint, option, written);
                if (value != null) {
                    option.check(endpoint, value, InvalidEndpointOptionException.Source.ANNOTATION);
                    options = options.with(option, value);
                }
            }
            return options;
        }

        private static Object attribute(java.lang.annotation.Annotation annotation, String name) {
            try {
                return annotation.annotationType().getMethod(name).invoke(annotation);
            } catch (NoSuchMethodException e) {
                return null;   // the annotation has no such attribute
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + annotation.annotationType().getSimpleName() + "." + name, e);
            }
        }

        private static Object value(String endpoint, EndpointOption option, Object written) {
            if (written instanceof String text) {
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new InvalidEndpointOptionException(endpoint, option.optionName(),
                            InvalidEndpointOptionException.Source.ANNOTATION, "\"" + text + "\" (" + e.getMessage() + ")", e);
                }
            }
            int length = java.lang.reflect.Array.getLength(written);
            if (length > 1) {
                throw new InvalidEndpointOptionException(endpoint, option.optionName(),
                        InvalidEndpointOptionException.Source.ANNOTATION, length + " values (write one value, or none)");
            }
            Object value = length == 0 ? null : java.lang.reflect.Array.get(written, 0);
            return option.type() == Long.class && value instanceof Integer i ? Long.valueOf(i) : value;
        }
    }

}

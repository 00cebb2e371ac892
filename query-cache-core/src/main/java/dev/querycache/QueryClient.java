package dev.querycache;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.SharedLevel;
import java.util.Collection;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The cache of server state: one entry per endpoint and argument, with de-duplicated fetches,
 * subscriptions, keepUnusedDataFor removal, tag invalidation, polling and (de)hydration. See the
 * package overview for the model.
 *
 * <p>Thread-safe: every method may be called from any thread. Build one per application with
 * {@link #builder()} and {@link #close()} it on shutdown.
 */
public interface QueryClient extends AutoCloseable {

    /** A builder for a client. */
    static Builder builder() {
        return new ClientBuilder();
    }

    /** Configures a client. Not thread-safe. */
    interface Builder {

        /** Registers a fetcher with the name and options of its {@link QueryEndpoint} (the annotation is optional). */
        Builder endpoint(QueryFetcher<?, ?> fetcher);

        /** Registers a fetcher under {@code name}; {@code options} override its annotation's. */
        Builder endpoint(String name, QueryFetcher<?, ?> fetcher, EndpointOptions options);

        /** Registers an infinite fetcher with the name and options of its {@link InfiniteQueryEndpoint}. */
        Builder infiniteEndpoint(InfiniteQueryFetcher<?, ?, ?> fetcher);

        /** Registers an infinite fetcher under {@code name}; {@code options} override its annotation's. */
        Builder infiniteEndpoint(String name, InfiniteQueryFetcher<?, ?, ?> fetcher, EndpointOptions options);

        /** Client-wide defaults, below annotations and explicit options. */
        Builder defaults(EndpointOptions defaults);

        /** Most entries without subscribers (default 10 000); entries with subscribers do not count. */
        Builder maximumSize(long maxUnusedEntries);

        /**
         * The scheduler for timers (removal, polling, retry backoff, fetch timeout) and the clock
         * ({@link Scheduler#now}); default {@code Schedulers.parallel()}. Tests pass a virtual-time scheduler.
         */
        Builder scheduler(Scheduler scheduler);

        /**
         * Publishes every invalidation to the other instances of the service through {@code bus}, and
         * applies theirs here (see {@link InvalidationBus}). Default: none (single instance).
         */
        Builder invalidationBus(InvalidationBus bus);

        /**
         * Shares entries with the other instances of the service through {@code level}: a local miss asks
         * it before fetching, and at most one instance fetches an entry at a time (see {@link SharedLevel}).
         * Default: none (each instance fetches for itself).
         */
        Builder sharedLevel(SharedLevel level);

        /** Adds an observer told about every settled fetch (for metrics); observers run in the order added. */
        Builder fetchObserver(FetchObserver observer);

        /**
         * Traces every fetch and join with {@code tracing} (see {@link dev.querycache.spi.FetchTracing}): each
         * fetch runs as {@code tracing} decorates it, with the Reactor Context of the caller that started it.
         * A hit is never traced. Default: none.
         */
        Builder fetchTracing(dev.querycache.spi.FetchTracing tracing);

        /**
         * How an errored entry keeps its fetch's error. An entry holds its last error until its next
         * fetch, and HTTP clients' errors are heavy (a WebClient error keeps the connection's request with
         * it). {@code compactor} gets the error after retries and may return a lighter copy that callers of
         * {@link QueryState#error()} still understand (same type, message, status, body); the fetch's own
         * waiters always get the original. Whatever is kept has each stack trimmed to its top frames, once
         * those waiters were told. Compactors added in turn are applied in that order; one that throws or
         * returns null keeps the error as it came. Default: the error itself (trimmed). The Spring Boot
         * starter adds one for WebClient's response errors.
         */
        Builder storedErrors(java.util.function.UnaryOperator<Throwable> compactor);

        /**
         * Builds the client.
         *
         * @throws IllegalArgumentException naming the endpoint and the option, for a duplicate name, a
         *     negative duration or count, or an annotation duration that does not parse
         */
        QueryClient build();
    }

    /**
     * The endpoint registered for a fetcher of {@code type} (or a subclass of it, such as a proxy).
     *
     * @throws UnknownEndpointException listing the known endpoints
     */
    <A, R> Endpoint<A, R> endpoint(Class<? extends QueryFetcher<A, R>> type);

    /**
     * The infinite endpoint registered for a fetcher of {@code type}.
     *
     * @throws UnknownEndpointException listing the known infinite endpoints
     */
    <A, P, R> InfiniteEndpoint<A, P, R> infiniteEndpoint(Class<? extends InfiniteQueryFetcher<A, P, R>> type);

    /**
     * The endpoint named {@code name}.
     *
     * @throws UnknownEndpointException listing the known endpoints
     */
    Endpoint<Object, Object> endpoint(String name);

    /**
     * The infinite endpoint named {@code name}.
     *
     * @throws UnknownEndpointException listing the known infinite endpoints
     */
    InfiniteEndpoint<Object, Object, Object> infiniteEndpoint(String name);

    /**
     * Invalidates every entry providing a matching tag ({@link Tag#matches}): entries with subscribers are
     * refetched (their old data stays visible meanwhile), entries without are removed. An entry whose
     * fetch is running is handled when that fetch settles, also when it provides the tag only from that
     * fetch's result on: data fetched before an invalidation is never kept as fresh after it.
     */
    void invalidateTags(Tag... tags);

    /** Same as {@link #invalidateTags(Tag...)}. */
    void invalidateTags(Collection<Tag> tags);

    /**
     * Completes when every fetch running at the time of subscription has settled (errors are ignored).
     * Cold: each subscription looks at the fetches running then.
     */
    Mono<Void> awaitRunningQueries();

    /**
     * The whole cache's successful entries, with their data — for persistence and other processes.
     * {@code PRINCIPAL} entries are left out. Never embed it in a page: it holds what every request read;
     * use {@link #dehydrate(RequestScope)}.
     */
    DehydratedState dehydrate();

    /**
     * Only the successful entries that {@code request} read, of every scope (a {@code PRINCIPAL} entry with
     * its plain arg): the state a server-rendered page may embed so that its browser code starts from what
     * the server read. This is what {@code DehydratedStateJson.scriptElement(RequestScope)} writes.
     */
    DehydratedState dehydrate(RequestScope request);

    /**
     * Adds the entries of {@code state}. An entry whose cached data is as new or newer is left alone;
     * entries of unknown endpoints are skipped, and so are entries of {@code PRINCIPAL} and {@code REQUEST}
     * endpoints: a dehydrated entry names no owner, so such an entry could never be served. Hydrated entries
     * have no subscribers, so their removal timer starts at once.
     */
    void hydrate(DehydratedState state);

    /** Drops every entry, aborts running fetches (waiters get {@link QueryAbortedException}), stops polling and timers. */
    void resetApiState();

    /** A snapshot of every entry. */
    List<QueryState<?>> entries();

    /** Counters over every endpoint. */
    QueryCacheStats stats();

    /**
     * A read-only view of this client for tooling (metrics, health, the actuator endpoint, HTTP
     * integrations): endpoint names and kinds, per-endpoint counters, sizes. It cannot read or change
     * cached data. Same object on every call; thread-safe.
     */
    Inspector inspector();

    /**
     * Cache events as they happen, hot: a subscriber sees the events after it subscribed. Each subscriber
     * gets them on a worker of its own, never on the thread that changed the cache, from a queue of 10 000
     * events: a subscriber slower than that loses events (counted in {@code stats().droppedEventCount()}) and
     * never delays a query. The flux completes on {@link #close()}.
     */
    Flux<QueryCacheEvent> events();

    /** Resets the cache and completes {@link #events()}; the client must not be used afterwards. */
    @Override
    void close();

    /**
     * Introspection of a {@link QueryClient} ({@link QueryClient#inspector()}), in the manner of Caffeine's
     * {@code cache.policy()}: what tooling needs, kept off the client's own interface. Every method is
     * thread-safe and reads live values.
     */
    interface Inspector {

        /** The client's random id: the origin of the invalidations it publishes ({@link InvalidationBus}). */
        String instanceId();

        /** The names of every registered endpoint, plain and infinite, in registration order. */
        List<String> endpointNames();

        /**
         * The scope of the named endpoint.
         *
         * @throws UnknownEndpointException when there is no such endpoint
         */
        QueryScope scope(String endpoint);

        /**
         * Whether the named endpoint is an infinite one ({@link QueryClient#infiniteEndpoint(String)}).
         *
         * @throws UnknownEndpointException when there is no such endpoint
         */
        boolean isInfinite(String endpoint);

        /**
         * The class of the fetcher registered under {@code endpoint} (a {@link QueryFetcher} or an
         * {@link InfiniteQueryFetcher}; possibly a proxy subclass), for integrations that read its generic
         * signature, such as typing JSON args. The fetcher itself is not handed out: reads go through the cache.
         *
         * @throws UnknownEndpointException when there is no such endpoint
         */
        Class<?> fetcherType(String endpoint);

        /**
         * Counters of one endpoint.
         *
         * @throws UnknownEndpointException when there is no such endpoint
         */
        QueryCacheStats stats(String endpoint);

        /**
         * How many of the endpoint's misses a copy in the shared level answered, without an upstream call
         * (always 0 without a {@link SharedLevel}); they count as misses in {@link #stats} too.
         *
         * @throws UnknownEndpointException when there is no such endpoint
         */
        long sharedCount(String endpoint);

        /** How many entries the cache holds, of every scope. */
        int size();

        /** How many {@code REQUEST}-scope entries requests that have not ended hold (shown only as this count). */
        int requestEntryCount();

        /** How many subscriptions are live over all entries. */
        int subscriptionCount();

        /**
         * Tells {@code observer} about every fetch that settles from now on, as
         * {@link Builder#fetchObserver} does, for tooling that meets a client it did not build (metrics for an
         * application's own client). Disposing the result stops it.
         */
        reactor.core.Disposable observeFetches(FetchObserver observer);

        /**
         * The entries invalidated from now on, hot: one snapshot per entry, after the invalidation applied to
         * it, whatever made it (tags, {@code @InvalidatesTags}, {@code invalidate(arg)}, {@code invalidateAll()},
         * another instance's message, a delayed invalidation once its fetch settled). {@code REQUEST} entries are
         * left out; a {@code PRINCIPAL} entry says whose it is ({@link QueryState#principal()}). For pushing
         * invalidations to browser caches. Each subscriber has its own bounded queue, as {@link QueryClient#events()}
         * subscribers do; the flux completes when the client closes.
         */
        Flux<QueryState<?>> invalidations();
    }
}

package dev.querycache;

import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache's face for one {@link QueryFetcher}: every method works on the entry of (endpoint, arg).
 * Thread-safe. Obtain it from {@link QueryClient#endpoint(Class)} or {@link QueryClient#endpoint(String)}.
 *
 * <p><b>Scopes.</b> For a {@code PRINCIPAL} endpoint the entry is the caller's, for a {@code REQUEST} endpoint
 * the request's. The reactive methods ({@code query}, {@code refetch}, {@code watch}) take the caller or
 * request from the subscriber's Reactor Context and signal {@link IllegalStateException} when there is none;
 * the others take it from the current thread ({@link QueryScopes#callAs}, or Reactor's context propagation)
 * and throw it. Neither happens for {@code SHARED} endpoints.
 *
 * @param <A> the argument type
 * @param <R> the data type
 */
public interface Endpoint<A, R> {

    /** The endpoint's name. */
    String name();

    /**
     * The data for {@code arg}: the cached data when it is fresh (a hit), else the result of the fetch
     * already running for it (a dedup), else of a new fetch (a miss). With staleWhileRevalidate, stale data
     * is answered at once and a background refetch starts. Creates no subscription: after the fetch
     * settles the entry's removal timer starts.
     *
     * <p>Cold, whatever the scope: nothing happens until the {@code Mono} is subscribed, and each
     * subscription asks the cache anew (so {@code retry()}, {@code repeat()} and a {@code Mono} kept and
     * subscribed again after an invalidation get fresh data, and a fallback never taken fetches nothing).
     *
     * <p>A hit is one read of the endpoint's Caffeine cache (recorded for the eviction policy), keyed by
     * {@code arg} itself for a {@code SHARED} endpoint and by the arg with its caller or request for a scoped
     * one, and takes no lock; for a {@code SHARED} endpoint the call allocates one small {@code Mono} (the arg
     * and the web request it was made in), a scoped one a deferred {@code Mono}, a lambda and the key.
     * Misses and dedups take the entry's lock.
     *
     * @return the data; errors with the fetcher's error, {@link QueryTimeoutException} or
     *     {@link QueryAbortedException}; empty when the fetcher completed empty; for a scoped endpoint,
     *     {@link IllegalStateException} when the Context holds no caller or request
     */
    Mono<R> query(A arg);

    /**
     * Fetches {@code arg} again even when fresh, joining a fetch already running. Cold: nothing happens
     * until subscribed, and each subscription fetches again.
     */
    Mono<R> refetch(A arg);

    /**
     * Fetches when nothing is cached; returns at once and creates no subscription. The eager verb: the
     * fetch starts in this call.
     *
     * @throws IllegalStateException for a scoped endpoint, when this thread has no caller or request
     */
    void prefetch(A arg);

    /** Fetches as {@code options} say; returns at once and creates no subscription. */
    void prefetch(A arg, PrefetchOptions options);

    /**
     * Subscribes to {@code arg}, fetching when nothing fresh is cached. Eager: the subscription exists, and
     * the fetch starts, in this call; close the handle to end it.
     *
     * @throws IllegalStateException for a scoped endpoint, when this thread has no caller or request
     */
    QuerySubscription<R> subscribe(A arg);

    /** Subscribes with polling and/or an age check. */
    QuerySubscription<R> subscribe(A arg, SubscribeOptions options);

    /**
     * A subscription that lives while the returned flux is subscribed (cold: nothing happens before, and each
     * subscriber has its own): it emits the current state and
     * then every change, and unsubscribes when cancelled. States are delivered on a worker of this watch's own
     * ({@code Schedulers.boundedElastic()}), never on the thread that changed the entry; a watcher slower than
     * the changes skips to the newest state.
     */
    Flux<QueryState<R>> watch(A arg);

    /** {@link #watch(Object)} with subscription options. */
    Flux<QueryState<R>> watch(A arg, SubscribeOptions options);

    /**
     * A snapshot of the entry; status {@link QueryStatus#UNINITIALIZED} when there is none.
     *
     * @throws IllegalStateException for a scoped endpoint, when this thread has no caller or request
     */
    QueryState<R> state(A arg);

    /** Writes {@code data} as freshly fetched (creating the entry when absent); tags are recomputed. */
    void setData(A arg, R data);

    /**
     * Replaces the data with {@code updater}'s result, atomically with respect to other writes (the
     * updater may run more than once under contention and must be pure).
     *
     * @return {@code false}, without calling the updater, when there is no data
     */
    boolean updateData(A arg, UnaryOperator<R> updater);

    /** Invalidates the entry of {@code arg} as a tag would: refetch when subscribed, else remove. */
    void invalidate(A arg);

    /** Invalidates every entry of this endpoint. */
    void invalidateAll();
}

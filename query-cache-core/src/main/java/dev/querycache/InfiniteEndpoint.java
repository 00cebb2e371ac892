package dev.querycache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache's face for one {@link InfiniteQueryFetcher}: one entry per argument holding every page
 * fetched so far. At most one request runs per entry: a page fetch while another fetch of the entry is
 * running joins it. Thread-safe.
 *
 * @param <A> the argument type
 * @param <P> the page param
 * @param <R> one page
 */
public interface InfiniteEndpoint<A, P, R> {

    /** The endpoint's name. */
    String name();

    /** The cached pages when fresh, else fetches the first page (as {@link Endpoint#query}; cold likewise). */
    Mono<InfiniteData<R, P>> query(A arg);

    /** As {@link #query(Object)}, starting at {@code initialPageParam} when nothing is cached (else ignored). */
    Mono<InfiniteData<R, P>> query(A arg, P initialPageParam);

    /**
     * Fetches the page after the last cached one and appends it (dropping the first page beyond
     * maxPages). On an empty entry it fetches the first page; when there is no next page it fetches
     * nothing and answers the cached data. Cold: nothing happens until subscribed; each subscription
     * fetches the page after the last one cached then.
     */
    Mono<InfiniteData<R, P>> fetchNextPage(A arg);

    /**
     * As {@link #fetchNextPage} towards the start, prepending (dropping the last page beyond maxPages).
     * Cold likewise.
     */
    Mono<InfiniteData<R, P>> fetchPreviousPage(A arg);

    /**
     * Refetches the cached pages in order, recomputing each next param from the fresh pages and stopping
     * early at a null param, then swaps them in at once (only the first page with
     * refetchCachedPages=false). A failed or aborted refetch leaves the old pages. Cold: nothing happens
     * until subscribed, and each subscription refetches.
     */
    Mono<InfiniteData<R, P>> refetch(A arg);

    /** Aborts the running fetch of {@code arg}: its waiters get {@link QueryAbortedException}; cached pages stay. */
    void abort(A arg);

    /** Fetches the first page when nothing is cached; returns at once, no subscription. */
    void prefetch(A arg);

    /** Fetches as {@code options} say ({@link PrefetchOptions#pages(int)}: up to n pages). */
    void prefetch(A arg, PrefetchOptions options);

    /** Subscribes, fetching the first page when nothing fresh is cached. */
    QuerySubscription<InfiniteData<R, P>> subscribe(A arg);

    /** Subscribes with polling (which refetches every cached page) and/or an age check. */
    QuerySubscription<InfiniteData<R, P>> subscribe(A arg, SubscribeOptions options);

    /** A subscription for the life of the flux, emitting the current state and every change. */
    Flux<InfiniteQueryState<R, P>> watch(A arg);

    /** A snapshot; status {@link QueryStatus#UNINITIALIZED} when there is no entry. */
    InfiniteQueryState<R, P> state(A arg);

    /** Writes the pages as freshly fetched. */
    void setData(A arg, InfiniteData<R, P> data);

    /** Invalidates the entry: refetch every cached page when subscribed, else remove. */
    void invalidate(A arg);

    /** Invalidates every entry of this endpoint. */
    void invalidateAll();
}

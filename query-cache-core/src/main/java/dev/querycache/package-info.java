/**
 * query-cache: the server-state cache model of RTK Query and TanStack Query for Reactor.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>An <b>endpoint</b> is a {@link dev.querycache.QueryFetcher} (or {@link dev.querycache.InfiniteQueryFetcher})
 *       registered with a {@link dev.querycache.QueryClient} under a name, with {@link dev.querycache.EndpointOptions}.</li>
 *   <li>An <b>entry</b> is keyed by endpoint + arg ({@code equals}/{@code hashCode}); it holds the last data,
 *       the last error, its tags, and at most one running fetch that every caller joins.</li>
 *   <li>{@link dev.querycache.Endpoint#query} answers fresh data (a hit), joins the running fetch (a dedup) or
 *       fetches (a miss). {@link dev.querycache.Endpoint#prefetch} warms an entry and returns at once.</li>
 *   <li>A <b>subscription</b> ({@link dev.querycache.Endpoint#subscribe}, {@link dev.querycache.Endpoint#watch})
 *       pins its entry: pinned entries are never removed; tag invalidation refetches them; polling runs while a
 *       subscriber asks for it. An entry with no subscriber is removed {@code keepUnusedDataFor} after its last
 *       subscriber left or its last fetch settled; each endpoint also keeps at most its {@code maximumSize} such
 *       entries.</li>
 *   <li><b>Tags</b> ({@link dev.querycache.Tag}) connect writes to reads: {@link dev.querycache.QueryClient#invalidateTags}
 *       refetches or removes the entries that provide a matching tag, also the ones whose fetch is running.</li>
 *   <li>{@link dev.querycache.QueryClient#dehydrate()} / {@link dev.querycache.QueryClient#hydrate} carry successful
 *       entries to a page or to another process.</li>
 * </ul>
 *
 * <h2>Threads and time</h2>
 * Every public type is thread-safe. Every {@code Mono} and {@code Flux} the API answers is cold. The cache-hit
 * path of {@code query} takes no lock; a {@code SHARED} endpoint's call allocates one small cold {@code Mono}
 * (a scoped one's also its key and a deferred {@code Mono}).
 * Timers and the clock come from one Reactor {@link reactor.core.scheduler.Scheduler}
 * ({@link dev.querycache.QueryClient.Builder#scheduler}), so tests can use a virtual-time scheduler.
 * Fetchers run on whatever thread their {@code Mono} uses; the cache never blocks on them.
 */
package dev.querycache;

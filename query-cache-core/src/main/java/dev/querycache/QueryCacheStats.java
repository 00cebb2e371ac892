package dev.querycache;

/**
 * Counters since the client was built (or since the endpoint's registration).
 *
 * @param hitCount {@code query} calls answered from fresh (or stale-while-revalidate) cached data
 * @param missCount {@code query} calls that started a fetch
 * @param fetchCount fetches started, by any cause (query, prefetch, subscribe, refetch, polling, invalidation)
 * @param dedupCount {@code query} calls that joined a fetch already running
 * @param evictionCount entries removed by keepUnusedDataFor or maximumSize
 * @param errorCount fetches that settled with an error (after retries)
 */
public record QueryCacheStats(long hitCount, long missCount, long fetchCount, long dedupCount,
                              long evictionCount, long errorCount) {

    /** The element-wise sum. */
    public QueryCacheStats plus(QueryCacheStats o) {
        return new QueryCacheStats(hitCount + o.hitCount, missCount + o.missCount, fetchCount + o.fetchCount,
                dedupCount + o.dedupCount, evictionCount + o.evictionCount, errorCount + o.errorCount);
    }
}

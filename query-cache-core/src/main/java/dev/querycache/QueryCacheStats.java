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
 * @param droppedEventCount {@link QueryClient#events()} events dropped for a listener that fell
 *     {@value EventPublisher#BUFFER} events behind (client-wide; 0 in per-endpoint stats)
 */
public record QueryCacheStats(long hitCount, long missCount, long fetchCount, long dedupCount,
                              long evictionCount, long errorCount, long droppedEventCount) {

    /** Counters with no dropped events. */
    public QueryCacheStats(long hitCount, long missCount, long fetchCount, long dedupCount, long evictionCount,
                           long errorCount) {
        this(hitCount, missCount, fetchCount, dedupCount, evictionCount, errorCount, 0);
    }

    /** The element-wise sum. */
    public QueryCacheStats plus(QueryCacheStats o) {
        return new QueryCacheStats(hitCount + o.hitCount, missCount + o.missCount, fetchCount + o.fetchCount,
                dedupCount + o.dedupCount, evictionCount + o.evictionCount, errorCount + o.errorCount,
                droppedEventCount + o.droppedEventCount);
    }
}

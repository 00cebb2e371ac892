package dev.querycache;

import reactor.core.publisher.Mono;

/**
 * A live interest in one entry, like a mounted RTK Query hook: while at least one subscription holds an
 * entry it is never removed (neither by keepUnusedDataFor nor by maximumSize), tag invalidation refetches
 * it instead of removing it, and polling runs. Thread-safe; {@link #unsubscribe()} is idempotent.
 *
 * @param <R> the data type
 */
public interface QuerySubscription<R> extends AutoCloseable {

    /** The entry's current snapshot. */
    QueryState<R> state();

    /**
     * The entry's data once settled: the running fetch's result if one is running, else the cached data,
     * else the last error. Completes empty when the entry holds no data and no error.
     */
    Mono<R> result();

    /** Refetches the entry (joining a fetch already running). */
    Mono<R> refetch();

    /** Ends the subscription; the entry's removal timer starts when it was the last one. Idempotent. */
    void unsubscribe();

    /** Same as {@link #unsubscribe()}. */
    @Override
    void close();
}

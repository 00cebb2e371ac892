package dev.querycache;

import dev.querycache.spi.SharedLevel;
import java.time.Instant;
import java.util.Set;

/**
 * An immutable snapshot of one cache entry. Obtained from {@link Endpoint#state}, {@link Endpoint#watch},
 * {@link QuerySubscription#state()} or {@link QueryClient#entries()}; it never changes after it was taken,
 * except {@link #isStale()}, which compares the entry's age with the stale time at the moment it is called.
 *
 * @param <R> the data type
 */
public interface QueryState<R> {

    /** The endpoint's name. */
    String endpoint();

    /** The query argument (may be {@code null}). */
    Object arg();

    /** The caller a {@code PRINCIPAL} entry belongs to; null for shared entries. */
    default String principal() {
        return null;
    }

    /** The outcome of the last settled fetch; {@link QueryStatus#PENDING} while the first fetch runs. */
    QueryStatus status();

    /** The last successfully fetched (or written) data; survives a later error. */
    R data();

    /** The error of the last settled fetch when it failed, else {@code null}. */
    Throwable error();

    /** When the data was fetched or written, or {@code null} when there is none. */
    Instant fulfilledAt();

    /** Whether a fetch for this entry is running. */
    boolean isFetching();

    /** Where an entry's data came from. */
    enum Source {
        /** This instance's fetcher fetched it. */
        FETCHED,
        /** Another instance fetched it; this one took the copy from the shared level ({@link SharedLevel}). */
        SHARED,
        /** {@code setData}, {@code updateData} or hydration wrote it. */
        WRITTEN
    }

    /** Where the data came from, or {@code null} when there is none. */
    default Source source() {
        return null;
    }

    /** Whether a fetch is running and there is no data yet. */
    default boolean isLoading() {
        return isFetching() && fulfilledAt() == null;
    }

    /**
     * Whether {@code query(arg)} would start a fetch now (a fetch already running aside): no data, invalidated
     * (by a tag, by {@code invalidate}, or by a failed fetch: a failed refetch keeps the data and leaves the
     * entry stale), or older than the endpoint's stale time.
     */
    boolean isStale();

    /** How many subscriptions hold the entry. */
    int subscriberCount();

    /** The tags the entry provides (from its last successful fetch). */
    Set<Tag> tags();
}

package dev.querycache;

/**
 * Something happened to a cache entry; published by {@link QueryClient#events()}.
 *
 * @param type what happened
 * @param state the entry's snapshot right after it happened
 */
public record QueryCacheEvent(Type type, QueryState<?> state) {

    /** The kinds of events. */
    public enum Type {
        /** An entry was created. */
        ADDED,
        /** An entry's data, status or tags changed. */
        UPDATED,
        /** An entry was removed (invalidation, keepUnusedDataFor, maximumSize, reset). */
        REMOVED,
        /** A subscription was added. */
        SUBSCRIBER_ADDED,
        /** A subscription ended. */
        SUBSCRIBER_REMOVED,
        /** A fetch started. */
        FETCH_STARTED,
        /** A fetch settled (success, error or abort). */
        FETCH_SETTLED
    }

    /** The entry's endpoint name. */
    public String endpoint() {
        return state.endpoint();
    }

    /** The entry's argument. */
    public Object arg() {
        return state.arg();
    }
}

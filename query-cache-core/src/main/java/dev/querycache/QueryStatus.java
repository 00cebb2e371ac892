package dev.querycache;

/** The outcome of an entry's last settled fetch. */
public enum QueryStatus {
    /** Nothing fetched or written yet. */
    UNINITIALIZED,
    /** A first fetch is running and none has settled yet. */
    PENDING,
    /** The last settled fetch (or {@code setData}/hydration) succeeded. */
    SUCCESS,
    /** The last settled fetch failed; data from before may still be there. */
    ERROR
}

package dev.querycache;

import dev.querycache.spi.FetchObserver;

/**
 * What one {@link EntryAction} did to one entry, to be announced by {@link CacheEngine#afterChange} once
 * every lock is released: the state after the change, the events to publish, the fetch to launch or to
 * wait on, the fetch that settled and how, and the follow-ups (removal timer, polling, a delayed
 * invalidation). Made under the entry's monitor, read by one thread after it. Not thread-safe.
 */
final class Change {

    /** The order events of one change are published in. */
    static final QueryCacheEvent.Type[] EVENT_ORDER = {QueryCacheEvent.Type.SUBSCRIBER_ADDED,
            QueryCacheEvent.Type.FETCH_STARTED, QueryCacheEvent.Type.UPDATED, QueryCacheEvent.Type.FETCH_SETTLED,
            QueryCacheEvent.Type.SUBSCRIBER_REMOVED, QueryCacheEvent.Type.REMOVED};

    /** How polling must react. */
    enum Poll { UNCHANGED, RESCHEDULE, RESTART }

    final CacheEntry query;
    final EntrySnapshot before;
    EntrySnapshot after;
    /** The events to publish, one bit per {@link QueryCacheEvent.Type#ordinal()}. */
    private int events;
    /** A fetch this change created: the caller waits on it and {@link Fetching} launches it. */
    Fetch started;
    /** A fetch that was already running and is joined. */
    Fetch joined;
    /** A fetch that stopped running (settled, aborted, reset), with its outcome for observers and waiters. */
    Fetch settled;
    FetchObserver.Outcome outcome;
    Object value;
    Throwable error;
    /** The entry has no subscriber and no fetch any more: arm keepUnusedDataFor. */
    boolean unpinned;
    /** The entry has a subscriber or a fetch after the change: disarm keepUnusedDataFor. */
    boolean pinned;
    /** The entry was created for this change. */
    boolean created;
    /** The entry is to be taken out of the store. */
    boolean remove;
    /** The removal is collection's (keepUnusedDataFor ran out, or evicted by size): counted as an eviction. */
    boolean collected;
    /** An invalidation arrived during the settled fetch: invalidate again now (delayed invalidation). */
    boolean invalidateAgain;
    /** Whether a conditional action (updateData's compare, hydration's newer-only) was applied. */
    boolean applied = true;
    Poll poll = Poll.UNCHANGED;

    Change(CacheEntry query, EntrySnapshot before) {
        this.query = query;
        this.before = before;
        this.after = before;
    }

    void add(QueryCacheEvent.Type event) {
        events |= 1 << event.ordinal();
    }

    boolean has(QueryCacheEvent.Type event) {
        return (events & (1 << event.ordinal())) != 0;
    }

    /** The fetch a caller waits on: the one started or joined, or null when no fetch was needed. */
    Fetch fetch() {
        return started != null ? started : joined;
    }
}

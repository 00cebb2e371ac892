package dev.querycache;

import java.util.Set;

/**
 * Everything that can happen to one entry: the closed set of actions that {@link CacheEntry#dispatch} reduces
 * (TanStack's {@code #dispatch}, RTK's slice reducers). Each action is applied under the entry's monitor,
 * inside the store's compute for the entry's key, and yields a {@link Change} that says what to announce
 * once every lock is released. Immutable.
 */
sealed interface EntryAction {

    /** Join the running fetch, or start one when {@code policy} says the state needs it. */
    record Acquire(FetchRequest request, FetchPolicy policy, long nowMillis) implements EntryAction {
    }

    /** A new subscriber; then as {@link Acquire} with {@code policy}. */
    record Subscribe(SubscribeOptions options, FetchPolicy policy, long nowMillis) implements EntryAction {
    }

    /** A subscriber left. */
    record Unsubscribe(SubscribeOptions options) implements EntryAction {
    }

    /** The running fetch {@code fetch} produced {@code data}. */
    record Succeed(Fetch fetch, Object data, Set<Tag> tags, boolean hasNext, boolean hasPrevious, long nowMillis,
                   boolean shared)
            implements EntryAction {
    }

    /**
     * The running fetch {@code fetch} failed (after retries): its waiters get {@code error}, the entry keeps
     * {@code kept} (the same error, or a lighter copy of it).
     */
    record Fail(Fetch fetch, Throwable error, Throwable kept) implements EntryAction {
    }

    /** Detach the running fetch: its waiters get {@link QueryAbortedException}, data and status stay. */
    record Abort(String why) implements EntryAction {
    }

    /**
     * Data written from outside a fetch ({@code setData}, {@code updateData}, hydration). It never changes
     * the fetch state: a running fetch keeps running and its result lands afterwards.
     *
     * @param expected for {@code updateData}: apply only while this is still the current state, else null
     * @param newerThanMillis for hydration: apply only when the cached data is older than this (the sender's
     *     time, which may lie ahead of this clock; {@code fulfilledAtMillis} is clamped to now), else
     *     {@link Long#MIN_VALUE}
     */
    record Write(Object data, long fulfilledAtMillis, Set<Tag> tags, boolean hasNext, boolean hasPrevious,
                 EntrySnapshot expected, long newerThanMillis) implements EntryAction {
    }

    /** Invalidation: a running fetch is marked, a subscribed entry refetched, an unused one removed. */
    record Invalidate(long nowMillis) implements EntryAction {
    }

    /** A gate makes room: remove the entry if it is still on probation and unused. */
    record Discard() implements EntryAction {
    }

    /** keepUnusedDataFor ran out: remove the entry unless it was pinned again meanwhile. */
    record Expire() implements EntryAction {
    }

    /**
     * The store evicted the entry by size (only unused entries weigh anything, so it is never pinned): it is
     * gone whatever its state, since the store has already dropped it. Applied under Caffeine's eviction
     * lock, which holds the entry's key as the store's compute does.
     */
    record Evict() implements EntryAction {
    }

    /** The poll timer fired: refetch unless a fetch runs, or stop when no polling subscriber is left. */
    record PollTick(long nowMillis) implements EntryAction {
    }

    /**
     * {@code invalidateTags} ran while this entry's fetch runs: the fetch remembers the tags, so that data
     * providing one of them is invalidated again once it lands (RTK's delayed invalidation).
     */
    record TagsInvalidated(java.util.List<Tag> tags) implements EntryAction {
    }

    /** {@code resetApiState} (or the end of a REQUEST entry's request): remove the entry whatever its state, aborting its fetch. */
    record Reset(String why) implements EntryAction {
    }
}

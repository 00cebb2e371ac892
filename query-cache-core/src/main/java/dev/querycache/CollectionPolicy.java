package dev.querycache;

/**
 * Collection: which entries go when nobody uses them, as RTK Query's {@code cacheCollection} middleware.
 * An entry without subscribers and without a running fetch is removed {@code keepUnusedDataFor} after it
 * became unused (an exact timer per entry on the client's scheduler, kept here; Caffeine's
 * variable expiry fires in one-second buckets), and the store evicts unused entries beyond
 * {@code maximumSize} by Caffeine's W-TinyLFU ({@link #weigh}). {@code REQUEST} entries go when their
 * request closes, and entries on probation ({@link Admission}) make room for a gate. Thread-safe.
 */
final class CollectionPolicy {

    private final CacheEngine cache;
    /**
     * The keepUnusedDataFor timer of each unused entry, as RTK's {@code currentRemovalTimeouts}: armed when an
     * entry becomes unused, disarmed when it is in use again or gone; exact on the client's scheduler (which is
     * also its clock, so tests step it virtually).
     */
    private final java.util.concurrent.ConcurrentHashMap<CacheEntry, reactor.core.Disposable> removalTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    CollectionPolicy(CacheEngine cache) {
        this.cache = cache;
    }

    /**
     * An entry's weight in its store, whose maximum weight is {@code maximumSize}: 0 while it is pinned (a
     * subscriber or a running fetch), on probation (untrusted traffic never evicts an ordinary entry), lives
     * with its request (its request removes it) or has never held fetched data (a failed fetch of a made-up
     * key never displaces an entry with data; keepUnusedDataFor removes it), else 1. So "pinned entries are never evicted by
     * size" is Caffeine's own guarantee.
     */
    static int weigh(Object key, CacheEntry q) {
        return q.isPinned() || q.onProbation() || EntryKey.livesWithRequest(key) || !q.state().hasData ? 0 : 1;
    }

    /**
     * After a change: disarms the removal timer of an entry in use again or gone, arms it for an entry that
     * became unused, counts a collection. Changes of one entry may reach here out of order: a timer armed
     * for an entry that is in use again only fires a removal that re-checks, under the store's compute, that
     * the entry is unused, so it removes nothing.
     */
    void afterChange(Change c) {
        if (c.collected) {
            c.query.endpoint.evictions.increment();
        }
        if (c.pinned || c.remove) {
            cancelRemoval(c.query);
        }
        if (c.unpinned && !c.remove) {
            armRemoval(c.query);
        }
    }

    private void armRemoval(CacheEntry q) {
        if (EntryKey.livesWithRequest(q.arg)) {
            return;   // removed when its request closes
        }
        long keep = q.endpoint.options().keepUnusedNanos();
        if (keep == 0) {
            expire(q);
        } else if (keep != Long.MAX_VALUE) {
            removalTimers.compute(q, (k, armed) -> {
                if (armed != null) {
                    armed.dispose();
                }
                return q.isGone() ? null
                        : q.endpoint.scheduler().schedule(() -> expire(q), keep, java.util.concurrent.TimeUnit.NANOSECONDS);
            });
        }
    }

    /** Disarms the entry's removal timer, if armed. */
    private void cancelRemoval(CacheEntry q) {
        reactor.core.Disposable armed = removalTimers.remove(q);
        if (armed != null) {
            armed.dispose();
        }
    }

    /** Removal timers armed now (tests). */
    int armedTimers() {
        return removalTimers.size();
    }

    /** keepUnusedDataFor ran out: removes {@code q} if it is still the live entry and unused. */
    private void expire(CacheEntry q) {
        removalTimers.remove(q);   // spent (a newer one armed meanwhile only fires a removal that re-checks)
        cache.dispatch(q, new EntryAction.Expire());
    }

    /** Removes a {@code REQUEST} entry when its request closes, aborting a fetch still running for it. */
    void drop(EndpointRuntime endpoint, Object key) {
        CacheEntry q = EntryStore.peek(endpoint, key);
        if (q != null) {
            cache.dispatch(q, new EntryAction.Reset("because its request ended"));
        }
    }

    /** See {@link Admission#discard}. */
    Admission.Discarded discardOnProbation(EndpointRuntime endpoint, Object key) {
        CacheEntry q = EntryStore.peek(endpoint, key);
        if (q == null) {
            return Admission.Discarded.ABSENT;
        }
        if (!q.onProbation()) {
            return Admission.Discarded.NOT_ON_PROBATION;
        }
        Change c = cache.dispatch(q, new EntryAction.Discard());
        if (c != null && c.remove) {
            return Admission.Discarded.DISCARDED;
        }
        if (c == null || q.isGone()) {
            return Admission.Discarded.ABSENT;
        }
        return q.onProbation() ? Admission.Discarded.IN_USE : Admission.Discarded.NOT_ON_PROBATION;
    }
}

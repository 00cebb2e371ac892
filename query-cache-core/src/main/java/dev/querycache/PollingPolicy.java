package dev.querycache;

/**
 * Polling, as RTK Query's {@code polling} middleware: an entry polls at the smallest interval of its
 * polling subscribers, the next poll one interval after the previous fetch settled, never while a fetch
 * runs (see {@link Poller}). The reducer keeps the intervals; this policy starts and stops the timer after
 * each change, and a timer that fires dispatches an {@link EntryAction.PollTick}. Thread-safe.
 */
final class PollingPolicy {

    private final CacheEngine cache;

    PollingPolicy(CacheEngine cache) {
        this.cache = cache;
    }

    /** After a change: starts, keeps or stops the entry's poll timer. */
    void afterChange(Change c) {
        if (c.poll != Change.Poll.UNCHANGED) {
            CacheEntry q = c.query;
            q.reschedulePoll(c.poll, () -> cache.dispatch(q, new EntryAction.PollTick(q.endpoint.nowMillis())));
        }
    }
}

package dev.querycache;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polling, as RTK Query's {@code polling} middleware and its {@code currentPolls}: this policy keeps the
 * polling state of every polling entry (a {@link Poller}: its subscribers' intervals and its timer), made for
 * the first polling subscriber of an entry and dropped with the entry. An entry polls at the smallest
 * interval of its polling subscribers, the next poll one interval after the previous fetch settled, never
 * while a fetch runs. The reducer tells it of polling subscribers coming and going and of a timer firing
 * (under the entry's monitor, which guards each {@code Poller}); after each change it starts, keeps or stops
 * the timer, and a timer that fires dispatches an {@link EntryAction.PollTick}. Thread-safe.
 */
final class PollingPolicy {

    private final CacheEngine cache;
    /** The polling state of each entry that has had a polling subscriber, until the entry is gone. */
    private final ConcurrentHashMap<CacheEntry, Poller> pollers = new ConcurrentHashMap<>();

    PollingPolicy(CacheEngine cache) {
        this.cache = cache;
    }

    /** In the reducer: a subscriber polling every {@code interval} came. */
    void subscribed(CacheEntry q, Duration interval) {
        pollers.computeIfAbsent(q, k -> new Poller()).add(interval);
    }

    /** In the reducer: a subscriber polling every {@code interval} left. */
    void unsubscribed(CacheEntry q, Duration interval) {
        Poller p = pollers.get(q);
        if (p != null) {
            p.remove(interval);
        }
    }

    /** In the reducer: the entry's poll timer fired; whether a polling subscriber is left (then it refetches). */
    boolean fired(CacheEntry q) {
        Poller p = pollers.get(q);
        if (p == null) {
            return false;
        }
        p.fired();
        return p.isPolling();
    }

    /** In the reducer: the entry is gone, its polling with it. */
    void removed(CacheEntry q) {
        Poller p = pollers.remove(q);
        if (p != null) {
            p.clear();
        }
    }

    /** After a change: starts, keeps or stops the entry's poll timer. */
    void afterChange(Change c) {
        if (c.poll == Change.Poll.UNCHANGED) {
            return;
        }
        CacheEntry q = c.query;
        Poller p = pollers.get(q);
        if (p == null) {
            return;   // never polled
        }
        synchronized (q) {   // each Poller is guarded by its entry's monitor, as in the reducer
            if (q.isGone()) {
                p.clear();
                pollers.remove(q, p);
                return;
            }
            p.reschedule(c.poll == Change.Poll.RESTART, q.inFlight() != null, q.endpoint.scheduler(),
                    () -> cache.dispatch(q, new EntryAction.PollTick(q.endpoint.nowMillis())));
        }
    }

    /** Polling entries now (tests). */
    int size() {
        return pollers.size();
    }
}

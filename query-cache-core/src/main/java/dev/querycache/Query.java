package dev.querycache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/*
 * Design notes.
 *
 * One Query is one cache entry: the (endpoint, arg) key, an immutable EntryState that is swapped on every
 * change, the running Fetch (at most one), the subscriber count, the polling timer and the watchers.
 *
 * Concurrency. Readers (the hit path) read the volatile `state` and never lock. Every change happens
 * under this object's monitor and ends by publishing a new EntryState. Changes that may pin the entry
 * (a new subscriber, a new fetch) run inside QueryCache.withEntry, i.e. inside Caffeine's compute for
 * the key, so that eviction cannot remove the entry between "found it" and "pinned it". Lock order is
 * always Caffeine's node lock, then this monitor; no code holding this monitor calls into Caffeine,
 * user code, event subscribers or watchers: those run after the monitor is released.
 *
 * Pinning. An entry with subscribers or a running fetch weighs 0 (never evicted by size) and has no
 * removal timer; pinning cancels the timer, and when the last pin goes QueryCache.touch re-weighs the
 * entry and arms the keepUnusedDataFor timer.
 */
/** One cache entry. Thread-safe; see the design notes in the source. */
final class Query {

    final EndpointRuntime endpoint;
    final Object arg;
    final QueryKey key;

    private final QueryCache cache;
    private volatile EntryState state;
    /**
     * The data's ready-made Mono while the data is fresh apart from its age (successful, not
     * invalidated), else null: the hit path reads it without touching {@link #state}, one dependent
     * load fewer. Written together with {@link #state}, under this monitor.
     */
    private volatile Mono<Object> hitMono;
    private volatile Fetch inFlight;
    private volatile boolean removed;

    /** Polling intervals of the subscribers that poll; made on the first one (most entries never poll). */
    private List<Duration> pollIntervals;
    private Disposable pollTimer;
    private Disposable removalTimer;
    private Duration pollEvery;
    /** {@code watch} fluxes; made on the first one (most entries are never watched). */
    private volatile CopyOnWriteArrayList<Watcher> watchers;

    Query(QueryCache cache, EndpointRuntime endpoint, Object arg, QueryKey key) {
        this.cache = cache;
        this.endpoint = endpoint;
        this.arg = arg;
        this.key = key;
        this.state = EntryState.initial(endpoint, arg);
    }

    EntryState state() {
        return state;
    }

    /** The fresh data's Mono, or null; see {@link #hitMono}. */
    Mono<Object> hitMono() {
        return hitMono;
    }

    /** Publishes a new state; call under this monitor (or from the constructor). */
    private void set(EntryState s) {
        state = s;
        hitMono = s.status == QueryStatus.SUCCESS && !s.invalidated ? s.dataMono : null;
    }

    Fetch inFlight() {
        return inFlight;
    }

    /** Pinned entries (subscribed or fetching) are never evicted. */
    boolean isPinned() {
        return state.subscribers > 0 || inFlight != null;
    }

    /** A fetch to wait on, and whether this call created it (then the caller must {@link QueryCache#start} it). */
    record Acquired(Fetch fetch, boolean created) {
    }

    /**
     * Joins the running fetch, or creates one when {@code policy} says the state needs it; {@code null}
     * when no fetch is needed. Call inside {@link QueryCache#withEntry}.
     */
    synchronized Acquired acquire(FetchRequest request, FetchPolicy policy, long nowMillis) {
        Fetch f = inFlight;
        if (f != null) {
            return new Acquired(f, false);
        }
        if (!policy.needsFetch(state, nowMillis)) {
            return null;
        }
        f = new Fetch(this, request, state);
        inFlight = f;
        cancelRemoval();
        set(state.fetchStarted(request.kind()));
        return new Acquired(f, true);
    }

    /** What storing a fetch result did. */
    enum Settled {
        /** The fetch was no longer the entry's (aborted, reset): nothing stored. */
        DETACHED,
        /** Stored as fresh data. */
        STORED,
        /** Stored, but an invalidation during the fetch matched it: the caller invalidates the entry. */
        STORED_INVALIDATED
    }

    /** Stores a successful result unless the fetch was detached meanwhile. */
    Settled settleSuccess(Fetch f, Object value, Set<Tag> tags, boolean next, boolean previous, long nowMillis) {
        synchronized (this) {
            if (inFlight != f) {
                return Settled.DETACHED;
            }
            Set<Tag> old = state.tags;
            cache.tagIndex().update(this, old, tags);
            inFlight = null;
            cache.finished(f);
            boolean invalid = f.invalidated || f.invalidatedBy(tags) || f.invalidatedBy(old);
            set(state.succeeded(value, nowMillis, tags, invalid, next, previous));
            return invalid ? Settled.STORED_INVALIDATED : Settled.STORED;
        }
    }

    /** Stores a failure unless the fetch was aborted meanwhile; the data stays. */
    synchronized boolean settleFailure(Fetch f, Throwable error) {
        if (inFlight != f) {
            return false;
        }
        inFlight = null;
        cache.finished(f);
        set(state.failed(error, f.request.kind()));
        return true;
    }

    /** Detaches the running fetch, leaving data and status; returns it, or null when none ran. */
    synchronized Fetch detachFetch() {
        Fetch f = inFlight;
        if (f == null) {
            return null;
        }
        inFlight = null;
        cache.finished(f);
        set(state.fetchAborted());
        return f;
    }

    /** Writes data as freshly fetched ({@code setData}, hydration). */
    synchronized void write(Object data, long fulfilledAtMillis, Set<Tag> tags, boolean next, boolean previous) {
        cache.tagIndex().update(this, state.tags, tags);
        set(state.succeeded(data, fulfilledAtMillis, tags, false, next, previous));
    }

    /** Writes {@code data} only when {@code expected} is still the current data; for {@code updateData}. */
    synchronized boolean compareAndWrite(EntryState expected, Object data, long nowMillis, Set<Tag> tags, boolean next,
                                         boolean previous) {
        if (state.data != expected.data || state.fulfilledAtMillis != expected.fulfilledAtMillis || !state.hasData) {
            return false;
        }
        write(data, nowMillis, tags, next, previous);
        return true;
    }

    /** What an invalidation did. */
    enum Invalidation { MARKED_IN_FLIGHT, REFETCH, REMOVE }

    /** Marks the entry invalidated; call inside {@link QueryCache#withEntry}. */
    synchronized Invalidation invalidate() {
        Fetch f = inFlight;
        if (f != null) {
            f.invalidated = true;
            set(state.withInvalidated());
            return Invalidation.MARKED_IN_FLIGHT;
        }
        if (state.subscribers > 0) {
            set(state.withInvalidated());
            return Invalidation.REFETCH;
        }
        return Invalidation.REMOVE;
    }

    synchronized void addSubscriber(SubscribeOptions options) {
        cancelRemoval();
        set(state.withSubscribers(state.subscribers + 1));
        if (options.pollingIntervalValue() != null) {
            if (pollIntervals == null) {
                pollIntervals = new ArrayList<>(1);
            }
            pollIntervals.add(options.pollingIntervalValue());
        }
    }

    synchronized void removeSubscriber(SubscribeOptions options) {
        set(state.withSubscribers(Math.max(0, state.subscribers - 1)));
        if (options.pollingIntervalValue() != null && pollIntervals != null) {
            pollIntervals.remove(options.pollingIntervalValue());
        }
    }

    /** Marks the entry gone: no more polling; returns the fetch to abort, if any. */
    synchronized Fetch markRemoved() {
        removed = true;
        pollIntervals = null;
        cancelPollTimer();
        cancelRemoval();
        Fetch f = inFlight;
        inFlight = null;
        if (f != null) {
            cache.finished(f);
            set(state.fetchAborted());
        }
        return f;
    }

    /**
     * Starts, keeps or stops the polling timer after a change: polls at the smallest interval of the
     * subscribers, {@code interval} after the last fetch settled; no timer while a fetch runs.
     *
     * @param restart whether a fetch just settled (always start a fresh timer)
     */
    void reschedulePoll(boolean restart) {
        synchronized (this) {
            Duration min = null;
            for (Duration d : pollIntervals == null ? List.<Duration>of() : pollIntervals) {
                if (min == null || d.compareTo(min) < 0) {
                    min = d;
                }
            }
            if (removed || min == null || inFlight != null) {
                cancelPollTimer();
                pollEvery = min;
                return;
            }
            if (!restart && pollTimer != null && min.equals(pollEvery)) {
                return;
            }
            cancelPollTimer();
            pollEvery = min;
            pollTimer = endpoint.scheduler().schedule(this::poll, min.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** (Re)starts the keepUnusedDataFor timer unless the entry is pinned or gone. */
    synchronized void armRemoval(Runnable removal, long delayNanos) {
        cancelRemoval();
        if (removed || isPinned()) {
            return;
        }
        removalTimer = endpoint.scheduler().schedule(removal, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelRemoval() {
        if (removalTimer != null) {
            removalTimer.dispose();
            removalTimer = null;
        }
    }

    private void poll() {
        synchronized (this) {
            pollTimer = null;
            if (removed || pollIntervals == null || pollIntervals.isEmpty()) {
                return;
            }
        }
        cache.refetch(this);
    }

    private void cancelPollTimer() {
        if (pollTimer != null) {
            pollTimer.dispose();
            pollTimer = null;
        }
    }

    synchronized void addWatcher(Watcher w) {
        if (watchers == null) {
            watchers = new CopyOnWriteArrayList<>();
        }
        watchers.add(w);
    }

    void removeWatcher(Watcher w) {
        CopyOnWriteArrayList<Watcher> ws = watchers;
        if (ws != null) {
            ws.remove(w);
        }
    }

    /** Sends the current state to every watcher; call with no lock held. */
    void notifyWatchers() {
        CopyOnWriteArrayList<Watcher> ws = watchers;
        if (ws == null || ws.isEmpty()) {
            return;
        }
        EntryState s = state;
        for (Watcher w : ws) {
            w.offer(s);
        }
    }

    /** Completes every watcher (the entry was dropped by a reset). */
    void completeWatchers() {
        CopyOnWriteArrayList<Watcher> ws = watchers;
        if (ws == null) {
            return;
        }
        for (Watcher w : ws) {
            w.complete();
        }
        ws.clear();
    }

    @Override
    public String toString() {
        return "Query{" + endpoint.name() + "(" + arg + ")}";
    }
}

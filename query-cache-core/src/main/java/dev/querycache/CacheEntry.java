package dev.querycache;

import dev.querycache.spi.FetchObserver;
import java.util.concurrent.CopyOnWriteArrayList;

/*
 * Design notes.
 *
 * One CacheEntry is one cache entry: its arg, an immutable EntrySnapshot swapped on every change, the running
 * Fetch (at most one), whether it is on probation or gone, and the watchers (made for the first watch). Its
 * keepUnusedDataFor timer is kept by CollectionPolicy and its polling (Poller) by PollingPolicy, as RTK keeps
 * them in its middlewares; the reducer tells them what changed.
 *
 * Every change is one EntryAction passed to dispatch(), under this object's monitor, and dispatch() is
 * only ever called by the store seam (EntryStore): inside the store's compute for this entry's key, or,
 * for a size eviction, under Caffeine's eviction lock, which holds the key the same way. So the store
 * re-weighs the entry (pinned entries weigh 0) atomically with the change, and eviction can never remove
 * an entry between "found it" and "pinned it". Lock order: Caffeine's node lock, then this monitor.
 * dispatch() calls no user code, no event subscriber and no watcher: it returns a Change, and
 * CacheEngine.afterChange hands it to the policies once both locks are released.
 *
 * Readers (the hit path) read the volatile state and never lock; a fresh state is itself the Mono a hit
 * returns (see EntrySnapshot).
 */
/** One cache entry. Thread-safe; see the design notes in the source. */
final class CacheEntry {

    final EndpointRuntime endpoint;
    /** The arg as the endpoint's fetcher takes it (for PRINCIPAL entries, a {@link ScopedArg}). */
    final Object arg;

    private volatile EntrySnapshot state;
    private volatile Fetch inFlight;
    /** Set once the entry is removed: no fetch, no polling, no removal timer from then on. */
    private volatile boolean gone;
    /** {@code watch} fluxes; made on the first one (most entries are never watched). */
    private volatile CopyOnWriteArrayList<Watcher> watchers;

    CacheEntry(EndpointRuntime endpoint, Object arg) {
        this.endpoint = endpoint;
        this.arg = arg;
        this.state = EntrySnapshot.initial(this, endpoint.options().staticTags());
    }

    /** The current state; lock-free (the hit path reads it). */
    EntrySnapshot state() {
        return state;
    }

    /** The public snapshot of the current state. */
    QueryState<?> view() {
        return StateView.of(endpoint, arg, state);
    }

    /**
     * Whether this entry is on probation (lock-free): created by untrusted traffic and not yet used by the
     * application ({@link Admission}), it weighs 0 in the store, so it never evicts an ordinary entry. Held
     * by the state, so the hit path reads it with the state.
     */
    boolean onProbation() {
        return state.probation;
    }

    /** Admits a new entry on probation; call inside the store's compute that creates it. */
    void admitOnProbation() {
        set(state.withProbation(true));
    }

    /** The application used the entry: an ordinary entry from now on; call inside the store's compute. */
    void promote() {
        set(state.withProbation(false));
    }

    Fetch inFlight() {
        return inFlight;
    }

    /** Pinned entries (subscribed or fetching) weigh 0, so they are never evicted by size, and have no removal timer. */
    boolean isPinned() {
        return state.subscribers > 0 || inFlight != null;
    }

    private void set(EntrySnapshot s) {
        state = s;
    }

    // ------------------------------------------------------------------------------------ the reducer

    /**
     * Applies {@code action} and says what to announce. Called only by {@link EntryStore}, holding this
     * entry's key (see the design notes).
     */
    synchronized Change dispatch(EntryAction action) {
        Change c = new Change(this, state);
        if (isGone()) {
            c.applied = false;
            return c;
        }
        boolean wasPinned = isPinned();
        if (action instanceof EntryAction.Acquire a) {
            acquire(c, a.request(), a.policy(), a.nowMillis());
        } else if (action instanceof EntryAction.Subscribe s) {
            subscribe(c, s);
        } else if (action instanceof EntryAction.Unsubscribe u) {
            unsubscribe(c, u);
        } else if (action instanceof EntryAction.Succeed s) {
            succeed(c, s);
        } else if (action instanceof EntryAction.Fail f) {
            fail(c, f);
        } else if (action instanceof EntryAction.Abort a) {
            c.applied = abort(c, a.why());
        } else if (action instanceof EntryAction.Write w) {
            write(c, w);
        } else if (action instanceof EntryAction.Invalidate i) {
            invalidate(c, i.nowMillis());
        } else if (action instanceof EntryAction.Discard) {
            if (!state.probation || isPinned()) {
                c.applied = false;
            } else {
                remove(c);
            }
        } else if (action instanceof EntryAction.Expire) {
            if (isPinned()) {
                c.applied = false;
            } else {
                remove(c);
                c.collected = true;
            }
        } else if (action instanceof EntryAction.Evict) {
            remove(c);   // the store has already dropped it (and only unused entries weigh anything)
            c.collected = true;
        } else if (action instanceof EntryAction.PollTick t) {
            c.applied = pollTick(c, t.nowMillis());
        } else if (action instanceof EntryAction.TagsInvalidated t) {
            Fetch f = inFlight;
            if (f == null) {
                c.applied = false;
            } else {
                f.recordInvalidation(t.tags());
            }
        } else if (action instanceof EntryAction.Reset r) {
            abort(c, "fetch of endpoint '" + endpoint.name() + "' for arg " + EntryKey.userArg(arg) + " was aborted " + r.why());
            remove(c);
        }
        c.after = state;
        boolean pinned = isPinned();
        c.pinned = pinned;   // the collection policy disarms the removal timer
        c.unpinned = !isGone() && !pinned && (wasPinned || action instanceof EntryAction.Write && c.applied);
        return c;
    }

    private void acquire(Change c, FetchRequest request, FetchPolicy policy, long nowMillis) {
        Fetch f = inFlight;
        if (f != null) {
            c.joined = f;
            return;
        }
        if (!policy.needsFetch(state, nowMillis, endpoint.options().staleMillis())) {
            return;
        }
        f = new Fetch(this, request, state);
        inFlight = f;
        set(state.fetchStarted(request.kind()));
        c.started = f;
        c.add(QueryCacheEvent.Type.FETCH_STARTED);
        c.poll = Change.Poll.RESCHEDULE;
    }

    private void subscribe(Change c, EntryAction.Subscribe s) {
        set(state.withSubscribers(state.subscribers + 1));
        if (s.options().pollingIntervalValue() != null) {
            endpoint.polling.subscribed(this, s.options().pollingIntervalValue());
        }
        c.add(QueryCacheEvent.Type.SUBSCRIBER_ADDED);
        c.poll = Change.Poll.RESCHEDULE;
        acquire(c, FetchRequest.REFRESH, s.policy(), s.nowMillis());
    }

    private void unsubscribe(Change c, EntryAction.Unsubscribe u) {
        set(state.withSubscribers(Math.max(0, state.subscribers - 1)));
        if (u.options().pollingIntervalValue() != null) {
            endpoint.polling.unsubscribed(this, u.options().pollingIntervalValue());
        }
        c.add(QueryCacheEvent.Type.SUBSCRIBER_REMOVED);
        c.poll = Change.Poll.RESCHEDULE;
    }

    private void succeed(Change c, EntryAction.Succeed s) {
        Fetch f = s.fetch();
        if (inFlight != f) {
            c.applied = false;   // aborted or reset meanwhile: its result is not this entry's any more
            return;
        }
        inFlight = null;
        boolean invalidatedDuring = f.invalidated || f.invalidatedBy(s.tags()) || f.invalidatedBy(state.tags);
        // a page fetch refreshes one page, not the pages an invalidation made stale
        boolean stillStale = f.request.kind() != FetchKind.REFRESH && state.invalidated;
        set(state.succeeded(s.data(), s.nowMillis(), s.tags(), invalidatedDuring || stillStale, s.hasNext(),
                s.hasPrevious(), s.shared() ? QueryState.Source.SHARED : QueryState.Source.FETCHED));
        if (s.shared()) {
            endpoint.sharedLoads.increment();
        }
        settled(c, f, FetchObserver.Outcome.SUCCESS);
        c.value = s.data();
        c.add(QueryCacheEvent.Type.UPDATED);
        c.invalidateAgain = invalidatedDuring;
    }

    private void fail(Change c, EntryAction.Fail e) {
        Fetch f = e.fetch();
        if (inFlight != f) {
            c.applied = false;
            return;
        }
        inFlight = null;
        boolean invalidatedDuring = f.invalidated || f.invalidatedBy(state.tags);
        set(state.failed(e.kept(), f.request.kind()));
        settled(c, f, e.error() instanceof QueryTimeoutException ? FetchObserver.Outcome.TIMEOUT
                : FetchObserver.Outcome.ERROR);
        c.error = e.error();
        c.add(QueryCacheEvent.Type.UPDATED);
        c.invalidateAgain = invalidatedDuring;
    }

    /** One rule for {@code abort} and {@code resetApiState}: the fetch settles as aborted, data and flags stay. */
    private boolean abort(Change c, String why) {
        Fetch f = inFlight;
        if (f == null) {
            return false;
        }
        inFlight = null;
        set(state.fetchAborted());
        settled(c, f, FetchObserver.Outcome.ABORTED);
        c.error = new QueryAbortedException(why);
        return true;
    }

    private static void settled(Change c, Fetch f, FetchObserver.Outcome outcome) {
        c.settled = f;
        c.outcome = outcome;
        c.add(QueryCacheEvent.Type.FETCH_SETTLED);
        c.poll = Change.Poll.RESTART;
    }

    private void write(Change c, EntryAction.Write w) {
        EntrySnapshot s = state;
        EntrySnapshot expected = w.expected();
        if (expected != null && (!s.hasData || s.data != expected.data || s.fulfilledAtMillis != expected.fulfilledAtMillis)) {
            c.applied = false;
            return;
        }
        if (w.newerThanMillis() != Long.MIN_VALUE && s.hasData && s.fulfilledAtMillis >= w.newerThanMillis()) {
            c.applied = false;
            return;
        }
        set(s.written(w.data(), w.fulfilledAtMillis(), w.tags(), w.hasNext(), w.hasPrevious()));
        c.add(QueryCacheEvent.Type.UPDATED);
    }

    private void invalidate(Change c, long nowMillis) {
        Fetch f = inFlight;
        if (f != null) {
            f.invalidated = true;   // handled when it settles, whatever the outcome
            set(state.withInvalidated());
            c.add(QueryCacheEvent.Type.UPDATED);
        } else if (state.subscribers > 0) {
            set(state.withInvalidated());
            c.add(QueryCacheEvent.Type.UPDATED);
            acquire(c, FetchRequest.REFRESH, FetchPolicy.ALWAYS, nowMillis);
        } else {
            remove(c);
        }
    }

    private void remove(Change c) {
        markRemoved();
        c.remove = true;
        c.add(QueryCacheEvent.Type.REMOVED);
    }

    /** Marks the entry gone: no fetch, no polling, no timer (the collection policy disarms it after the change). */
    private void markRemoved() {
        gone = true;
        inFlight = null;
        endpoint.polling.removed(this);
    }

    /** Whether the entry was removed (lock-free). */
    boolean isGone() {
        return gone;
    }

    // ------------------------------------------------------------------------------------ polling

    /** The poll timer fired: refetches (joining a running fetch) while a polling subscriber is left. */
    private boolean pollTick(Change c, long nowMillis) {
        if (!endpoint.polling.fired(this)) {
            return false;
        }
        acquire(c, FetchRequest.REFRESH, FetchPolicy.ALWAYS, nowMillis);
        return true;
    }

    // ------------------------------------------------------------------------------------ watchers

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
        EntrySnapshot s = state;
        for (Watcher w : ws) {
            w.offer(endpoint, arg, s);
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
        return "CacheEntry{" + endpoint.name() + "(" + arg + ")}";
    }
}

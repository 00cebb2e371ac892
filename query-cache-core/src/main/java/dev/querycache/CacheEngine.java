package dev.querycache;

import dev.querycache.spi.FetchObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/*
 * Design notes.
 *
 * One place where state changes. Every change of an entry is an EntryAction that dispatch() hands to the
 * store seam (EntryStore.apply), which applies it inside the store's compute for the entry's key
 * (CacheEntry.dispatch is the reducer); a size eviction is an EntryAction too, applied under Caffeine's
 * eviction lock. What must never lag the entry (the tag index, the set of running fetches) is kept inside
 * that same compute (changedInLock). What to announce comes back as a Change, and afterChange() hands it
 * to the policies in one fixed order once every lock is released, as RTK Query's middleware runs after its
 * reducer: fetching (abort the upstream, observers), collection (removal timer), events, watchers,
 * fetching (launch the new fetch, answer the settled one's waiters), invalidation (a delayed one),
 * polling (the timer).
 *
 * The policies, one class each: EntryStore (lookup, creation, removal, the second level),
 * CollectionPolicy (keepUnusedDataFor, maximumSize, probation), PollingPolicy, TagInvalidation, Fetching.
 */
/** The dispatch, the order of the policies, and the operations the endpoints and the client call. Thread-safe. */
final class CacheEngine {

    final EntryStore store;
    final CollectionPolicy collection;
    final PollingPolicy polling;
    final Fetching fetching;
    final TagInvalidation invalidation;
    private final EventPublisher<QueryCacheEvent> events = new EventPublisher<>();

    CacheEngine(List<FetchObserver> observers, UnaryOperator<Throwable> storedErrors) {
        this.store = new EntryStore(this::changedInLock, this::afterChange);
        this.collection = new CollectionPolicy(this);
        this.polling = new PollingPolicy(this);
        this.fetching = new Fetching(this, store, observers, storedErrors);
        this.invalidation = new TagInvalidation(this, store, fetching);
    }

    /** Traces fetches and joins (see {@link dev.querycache.spi.FetchTracing}), or null; set once, before use. */
    volatile dev.querycache.spi.FetchTracing tracing;

    EventPublisher<QueryCacheEvent> events() {
        return events;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Applies {@code action} to the entry of (endpoint, arg), creating the entry first when {@code create};
     * then announces the change. Returns null when there is no entry (and {@code create} is false), or
     * when the admission gate refused to create one.
     */
    Change dispatch(EndpointRuntime endpoint, Object arg, boolean create, EntryAction action) {
        // a call that may create an entry is either gated (untrusted traffic: admitted on probation) or the
        // application's own (promotes an entry on probation)
        Admission.Gate gate = create ? Admission.current() : null;
        boolean gated = gate != null && EntryKey.outlivesItsRequest(arg);
        boolean promote = create && gate == null;
        if (gated) {
            CacheEntry existing = EntryStore.peek(endpoint, arg);
            if (existing == null) {
                if (!gate.admit(endpoint.name(), EntryKey.principal(arg), EntryKey.userArg(arg))) {
                    return null;
                }
            } else if (existing.onProbation() && existing.state().hasSucceeded()) {
                promote = gate.promotes(endpoint.name(), EntryKey.principal(arg), EntryKey.userArg(arg));
            }
        }
        Change c = store.apply(endpoint, arg, create, gated, promote, null, action);
        if (c != null) {
            afterChange(c);
        }
        return c;
    }

    /** Dispatches {@code action} on {@code q} itself: nothing happens when {@code q} is no longer the live entry. */
    Change dispatch(CacheEntry q, EntryAction action) {
        Change c = store.apply(q.endpoint, q.arg, false, false, false, q, action);
        if (c != null) {
            afterChange(c);
        }
        return c;
    }

    /** Inside the compute of a change: the indexes that must never lag the entry. */
    private void changedInLock(Change c) {
        invalidation.index(c);
        fetching.track(c);
    }

    /** Announces one change, with no lock held, to the policies in one fixed order. Never throws. */
    private void afterChange(Change c) {
        CacheEntry q = c.query;
        if (c.created) {
            publishEvent(QueryCacheEvent.Type.ADDED, q, null);
            if (!c.remove && !q.isPinned()) {
                c.unpinned = true;
            }
        }
        fetching.settling(c);
        collection.afterChange(c);
        for (QueryCacheEvent.Type type : Change.EVENT_ORDER) {
            if (c.has(type)) {
                publishEvent(type, q, c.after);
            }
        }
        if (c.remove) {
            q.completeWatchers();
        } else if (c.after != c.before) {
            q.notifyWatchers();
        }
        fetching.afterChange(c);
        invalidation.afterChange(c);
        polling.afterChange(c);
    }

    /** Publishes the entry's state {@code state} (its current one when null) as an event of {@code type}. */
    private void publishEvent(QueryCacheEvent.Type type, CacheEntry q, EntrySnapshot state) {
        if (events.hasListeners()) {
            events.publish(new QueryCacheEvent(type, StateView.of(q.endpoint, q.arg, state != null ? state : q.state())));
        }
    }

    // ---------------------------------------------------------------- reads and fetches

    /** The entry's data: fresh from cache, joined, or fetched; counts hit/miss/dedup. */
    Mono<Object> query(EndpointRuntime endpoint, Object arg, FetchRequest request) {
        Change c = dispatch(endpoint, arg, true,
                new EntryAction.Acquire(request, FetchPolicy.UNLESS_FRESH, endpoint.nowMillis()));
        if (c == null) {
            return Mono.error(refused(endpoint));
        }
        Fetch f = c.fetch();
        if (f == null) {
            endpoint.hits.increment();
            return c.after.dataMono();
        }
        if (c.started != null) {
            endpoint.misses.increment();
        } else {
            endpoint.dedups.increment();
            dev.querycache.spi.FetchTracing t = tracing;
            if (t != null) {
                t.joined(endpoint.name(), CallerContext.current());
            }
        }
        return f.result();
    }

    private static RejectedExecutionException refused(EndpointRuntime endpoint) {
        return new RejectedExecutionException("the admission gate refused a new entry of endpoint '" + endpoint.name() + "'");
    }

    /**
     * A hit on an entry on probation: the application's own read (no gate on this thread) promotes it, and a
     * gated read does when its gate says so ({@link Admission.Gate#promotes}), once the entry holds fetched
     * data. Off the common hit path: only entries on probation get here.
     */
    void promoteIfTrusted(EndpointRuntime endpoint, Object key) {
        Admission.Gate gate = Admission.current();
        if (gate == null) {
            store.promote(endpoint, key);
        } else if (EntryKey.outlivesItsRequest(key)) {
            CacheEntry q = EntryStore.peek(endpoint, key);
            if (q != null && q.onProbation() && q.state().hasSucceeded()
                    && gate.promotes(endpoint.name(), EntryKey.principal(key), EntryKey.userArg(key))) {
                store.promote(endpoint, key);
            }
        }
    }

    /** Starts a background refetch unless one runs (stale-while-revalidate). */
    void revalidate(EndpointRuntime endpoint, Object arg) {
        fetch(endpoint, arg, FetchRequest.REFRESH, FetchPolicy.UNLESS_FRESH);
    }

    /** Fetches as {@code policy} says; answers the cached data when no fetch is needed. */
    Mono<Object> fetch(EndpointRuntime endpoint, Object arg, FetchRequest request, FetchPolicy policy) {
        Change c = dispatch(endpoint, arg, true, new EntryAction.Acquire(request, policy, endpoint.nowMillis()));
        if (c == null) {
            return Mono.error(refused(endpoint));
        }
        Fetch f = c.fetch();
        if (f == null) {
            return c.after.dataMono();
        }
        return f.result();
    }

    <R> Mono<R> refetch(EndpointRuntime endpoint, Object arg) {
        @SuppressWarnings("unchecked")
        Mono<R> m = (Mono<R>) fetch(endpoint, arg, FetchRequest.REFRESH, FetchPolicy.ALWAYS);
        return m;
    }

    // ---------------------------------------------------------------- subscriptions

    <R> SubscriptionImpl<R> subscribe(EndpointRuntime endpoint, Object arg, SubscribeOptions options) {
        Change c = dispatch(endpoint, arg, true,
                new EntryAction.Subscribe(options, FetchPolicy.of(options), endpoint.nowMillis()));
        if (c == null) {
            throw refused(endpoint);
        }
        return new SubscriptionImpl<>(this, c.query, options);
    }

    void unsubscribe(CacheEntry q, SubscribeOptions options) {
        dispatch(q, new EntryAction.Unsubscribe(options));
    }

    // ---------------------------------------------------------------- writes

    void setData(EndpointRuntime endpoint, Object arg, Object data) {
        dispatch(endpoint, arg, true, write(endpoint, arg, data, endpoint.nowMillis(), null, Long.MIN_VALUE, null));
    }

    @SuppressWarnings("unchecked")
    <R> boolean updateData(EndpointRuntime endpoint, Object arg, UnaryOperator<R> updater) {
        while (true) {
            CacheEntry q = EntryStore.peek(endpoint, arg);
            if (q == null) {
                return false;
            }
            EntrySnapshot s = q.state();
            if (!s.hasData) {
                return false;
            }
            Object data = updater.apply((R) s.data);
            Change c = dispatch(q, write(endpoint, arg, data, endpoint.nowMillis(), s, Long.MIN_VALUE, null));
            if (c != null && c.applied) {
                return true;
            }
            if (c == null && EntryStore.peek(endpoint, arg) == null) {
                return false;
            }
        }
    }

    /** Adds a dehydrated entry unless the cached data is as new; returns whether it was applied. */
    boolean hydrate(EndpointRuntime endpoint, DehydratedState.DehydratedQuery d) {
        long sent = d.fulfilledAt().toEpochMilli();
        long at = Math.min(sent, endpoint.nowMillis());   // data from the future would stay fresh for ever: clamp
        Change c = dispatch(endpoint, d.arg(), true, write(endpoint, d.arg(), d.data(), at, null, sent,
                d.tags().isEmpty() ? null : d.tags()));
        return c != null && c.applied;
    }

    private static EntryAction.Write write(EndpointRuntime endpoint, Object arg, Object data, long at,
                                           EntrySnapshot expected, long newerThan, Set<Tag> knownTags) {
        Set<Tag> tags = knownTags != null ? knownTags : Fetching.tagsOf(endpoint, arg, data);
        return new EntryAction.Write(data, at, tags, endpoint.behavior().hasNext(data),
                endpoint.behavior().hasPrevious(data), expected, newerThan);
    }

    // ---------------------------------------------------------------- whole cache

    /** Drops every entry: aborts fetches (they settle as aborted), stops polling, completes watchers. */
    void reset() {
        for (CacheEntry q : store.all()) {
            dispatch(q, new EntryAction.Reset("by resetApiState"));
        }
    }

    void close() {
        reset();
        events.complete();
        invalidation.close();
    }
}

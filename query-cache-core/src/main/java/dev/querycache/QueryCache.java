package dev.querycache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/*
 * Design notes.
 *
 * Store. Entries live in one Caffeine cache keyed by QueryKey. maximumSize is Caffeine's maximum weight,
 * where pinned entries (a subscriber or a running fetch) weigh 0 and unused ones 1, so "pinned entries
 * are never evicted by size" is Caffeine's own guarantee; the weight is re-evaluated by every compute on
 * the key (withEntry, touch).
 *
 * keepUnusedDataFor is an exact per-entry timer on the client's scheduler (RTK's model), armed by
 * touch() when an entry becomes unused and cancelled when it is pinned again. Caffeine's variable expiry
 * was the first design, but its timer wheel works in ~1.07s buckets, so an entry outlived its
 * keepUnusedDataFor by up to a second; a timer is exact and steps with a virtual clock in tests.
 *
 * Index. Each endpoint also keeps a ConcurrentHashMap from arg to entry, written only inside Caffeine's
 * compute for the same key and by the eviction listener (which Caffeine runs atomically with the
 * eviction). The hit path reads only that map: no key object, no lock.
 *
 * Events and watchers are notified after every lock is released; evictions found by Caffeine's
 * maintenance are queued by the listener and published when the maintenance task returns.
 */
/** The store and the cross-cutting policies (fetch start/settle, invalidation, subscriptions). Thread-safe. */
final class QueryCache {

    private final Cache<QueryKey, Query> store;
    private final TagIndex tagIndex = new TagIndex();
    private final Set<Fetch> running = ConcurrentHashMap.newKeySet();
    private final EventPublisher events = new EventPublisher();
    private final ConcurrentLinkedQueue<Query> evicted = new ConcurrentLinkedQueue<>();

    private final List<FetchObserver> observers;

    QueryCache(long maximumUnused, List<FetchObserver> observers) {
        this.observers = observers;
        this.store = Caffeine.newBuilder()
                .executor(task -> {
                    task.run();
                    publishEvictions();
                })
                .maximumWeight(maximumUnused)
                .weigher((QueryKey k, Query q) -> q.isPinned() ? 0 : 1)
                .evictionListener(this::onEvicted)
                .build();
    }

    TagIndex tagIndex() {
        return tagIndex;
    }

    EventPublisher events() {
        return events;
    }

    /** Called under the entry's lock when a fetch stops running. */
    void finished(Fetch f) {
        running.remove(f);
    }

    // ---------------------------------------------------------------- store primitives

    /**
     * Runs {@code action} on the entry for (endpoint, arg) atomically with respect to eviction (inside
     * Caffeine's compute), creating the entry first when {@code create}; {@code action} gets {@code null}
     * when there is none. It must be short and call no user code. Weight and expiry are re-evaluated
     * afterwards.
     */
    <T> T withEntry(EndpointRuntime endpoint, Object arg, boolean create, Function<Query, T> action) {
        Object argKey = EndpointRuntime.argKey(arg);
        Query existing = endpoint.entries.get(argKey);
        QueryKey key = existing != null ? existing.key : new QueryKey(endpoint, argKey);
        Object[] result = new Object[1];
        Query[] added = new Query[1];
        store.asMap().compute(key, (k, q) -> {
            if (q == null && create) {
                q = new Query(this, endpoint, arg, k);
                endpoint.entries.put(argKey, q);
                added[0] = q;
            }
            result[0] = action.apply(q);
            return q;
        });
        publishEvictions();
        if (added[0] != null) {
            events.publish(QueryCacheEvent.Type.ADDED, added[0]);
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /**
     * Re-evaluates the weight of {@code q} and (re)arms its keepUnusedDataFor timer after it may have
     * become unused: removal happens keepUnusedDataFor from now unless it is pinned again first.
     */
    void touch(Query q) {
        store.asMap().computeIfPresent(q.key, (k, v) -> v);
        publishEvictions();
        long keep = q.endpoint.options().keepUnusedNanos();
        if (keep == 0) {
            expire(q);
        } else if (keep != Long.MAX_VALUE) {
            q.armRemoval(() -> expire(q), keep);
        }
    }

    /** Removes {@code q} if it is still the live entry and unused (its keepUnusedDataFor ran out). */
    private void expire(Query q) {
        boolean[] removed = new boolean[1];
        store.asMap().computeIfPresent(q.key, (k, cur) -> {
            if (cur != q || q.isPinned()) {
                return cur;
            }
            unlink(k, q);
            removed[0] = true;
            return null;
        });
        publishEvictions();
        if (removed[0]) {
            q.endpoint.evictions.increment();
            events.publish(QueryCacheEvent.Type.REMOVED, q);
        }
    }

    /**
     * Takes {@code q} out of the arg index and the tag index and marks it gone; call inside the store's
     * compute for its key (or its eviction).
     *
     * @return the fetch that was running, for the caller to abort (null for unpinned entries)
     */
    private Fetch unlink(QueryKey key, Query q) {
        Fetch running = q.markRemoved();
        q.endpoint.entries.remove(key.arg(), q);
        tagIndex.remove(q, q.state().tags);
        return running;
    }

    private void onEvicted(QueryKey key, Query q, RemovalCause cause) {
        if (q == null) {
            return;
        }
        unlink(key, q);
        q.endpoint.evictions.increment();
        evicted.add(q);
    }

    private void publishEvictions() {
        Query q;
        while ((q = evicted.poll()) != null) {
            events.publish(QueryCacheEvent.Type.REMOVED, q);
        }
    }

    /** Runs Caffeine's pending maintenance now (entries over maximumSize are evicted). */
    void cleanUp() {
        store.cleanUp();
        publishEvictions();
    }

    // ---------------------------------------------------------------- fetching

    /** What {@link #acquire} found: the fetch to wait on (null when none is needed) and the state it saw. */
    private record Attempt(Query.Acquired acquired, EntryState seen) {
    }

    /** Creates the entry if needed and joins or creates its fetch as {@code policy} says; starts a created one. */
    private Attempt acquire(EndpointRuntime endpoint, Object arg, FetchRequest request, FetchPolicy policy) {
        long now = endpoint.nowMillis();
        EntryState[] seen = new EntryState[1];
        Query.Acquired a = withEntry(endpoint, arg, true, q -> {
            Query.Acquired acquired = q.acquire(request, policy, now);
            seen[0] = q.state();
            return acquired;
        });
        if (a != null && a.created()) {
            start(a.fetch());
        }
        return new Attempt(a, seen[0]);
    }

    /** The entry's data: fresh from cache, joined, or fetched; counts hit/miss/dedup. */
    Mono<Object> query(EndpointRuntime endpoint, Object arg, FetchRequest request) {
        Attempt attempt = acquire(endpoint, arg, request, FetchPolicy.UNLESS_FRESH);
        Query.Acquired a = attempt.acquired();
        if (a == null) {
            endpoint.hits.increment();
            return attempt.seen().dataMono;
        }
        (a.created() ? endpoint.misses : endpoint.dedups).increment();
        return a.fetch().result();
    }

    /** Starts a background refetch unless one runs (stale-while-revalidate). */
    void revalidate(EndpointRuntime endpoint, Object arg) {
        fetch(endpoint, arg, FetchRequest.REFRESH, FetchPolicy.UNLESS_FRESH);
    }

    /** Fetches as {@code policy} says; answers the cached data when no fetch is needed. */
    Mono<Object> fetch(EndpointRuntime endpoint, Object arg, FetchRequest request, FetchPolicy policy) {
        Attempt attempt = acquire(endpoint, arg, request, policy);
        if (attempt.acquired() == null) {
            EntryState s = attempt.seen();
            return s.hasData ? s.dataMono : Mono.empty();
        }
        return attempt.acquired().fetch().result();
    }

    <R> Mono<R> refetch(EndpointRuntime endpoint, Object arg) {
        @SuppressWarnings("unchecked")
        Mono<R> m = (Mono<R>) fetch(endpoint, arg, FetchRequest.REFRESH, FetchPolicy.ALWAYS);
        return m;
    }

    /** Refetches {@code q} if it is still the live entry (polling). */
    void refetch(Query q) {
        long now = q.endpoint.nowMillis();
        Query.Acquired a = withEntry(q.endpoint, q.arg, false,
                cur -> cur == q ? q.acquire(FetchRequest.REFRESH, FetchPolicy.ALWAYS, now) : null);
        if (a != null && a.created()) {
            start(a.fetch());
        }
    }

    /** Runs a fetch that {@link Query#acquire} created. Call with no lock held. */
    void start(Fetch f) {
        Query q = f.query;
        EndpointRuntime endpoint = q.endpoint;
        f.startedAtNanos = System.nanoTime();
        running.add(f);
        endpoint.fetches.increment();
        events.publish(QueryCacheEvent.Type.FETCH_STARTED, q);
        q.notifyWatchers();
        Mono<Object> work = Mono.defer(() -> endpoint.behavior().fetch(endpoint, q.arg, f.startState, f.request));
        if (q.arg instanceof ScopedArg scoped) {
            work = work.contextWrite(QueryScopes.withPrincipal(scoped.principal()));   // the fetcher sees its caller
        }
        f.attach(work.defaultIfEmpty(EMPTY).subscribe(
                v -> settleSuccess(f, v == EMPTY ? null : v),
                e -> settleFailure(f, e)));
    }

    private static final Object EMPTY = new Object();

    private void settleSuccess(Fetch f, Object value) {
        Query q = f.query;
        EndpointRuntime endpoint = q.endpoint;
        Set<Tag> tags;
        boolean next;
        boolean previous;
        try {
            tags = tagsOf(endpoint, q.arg, value);
            next = endpoint.behavior().hasNext(value);
            previous = endpoint.behavior().hasPrevious(value);
        } catch (RuntimeException e) {
            settleFailure(f, e);
            return;
        }
        Query.Settled settled = q.settleSuccess(f, value, tags, next, previous, endpoint.nowMillis());
        if (settled == Query.Settled.DETACHED) {
            return;
        }
        touch(q);
        observe(f, FetchObserver.Outcome.SUCCESS);
        events.publish(QueryCacheEvent.Type.UPDATED, q);
        events.publish(QueryCacheEvent.Type.FETCH_SETTLED, q);
        q.notifyWatchers();
        f.complete(value);
        if (settled == Query.Settled.STORED_INVALIDATED) {
            invalidate(q);
        } else {
            q.reschedulePoll(true);
        }
    }

    private void settleFailure(Fetch f, Throwable error) {
        Query q = f.query;
        if (!q.settleFailure(f, error)) {
            f.fail(error);
            return;
        }
        q.endpoint.errors.increment();
        touch(q);
        observe(f, error instanceof QueryTimeoutException ? FetchObserver.Outcome.TIMEOUT : FetchObserver.Outcome.ERROR);
        events.publish(QueryCacheEvent.Type.UPDATED, q);
        events.publish(QueryCacheEvent.Type.FETCH_SETTLED, q);
        q.notifyWatchers();
        f.fail(error);
        q.reschedulePoll(true);
    }

    /** Aborts the running fetch of {@code q}: waiters get {@link QueryAbortedException}, data stays. */
    void abort(Query q) {
        Fetch f = q.detachFetch();
        if (f == null) {
            return;
        }
        f.cancel();
        touch(q);
        observe(f, FetchObserver.Outcome.ABORTED);
        events.publish(QueryCacheEvent.Type.FETCH_SETTLED, q);
        q.notifyWatchers();
        f.fail(new QueryAbortedException("fetch of endpoint '" + q.endpoint.name() + "' for arg " + q.arg + " was aborted"));
        q.reschedulePoll(true);
    }

    private void observe(Fetch f, FetchObserver.Outcome outcome) {
        if (observers.isEmpty()) {
            return;
        }
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - f.startedAtNanos);
        for (FetchObserver o : observers) {
            try {
                o.fetchSettled(f.query.endpoint.name(), took, outcome);
            } catch (RuntimeException ignored) {
                // an observer must not break the cache
            }
        }
    }

    static Set<Tag> tagsOf(EndpointRuntime endpoint, Object arg, Object data) {
        Set<Tag> provided = endpoint.behavior().providedTags(arg, data);
        Set<Tag> statics = endpoint.options().staticTags();
        if (provided == null || provided.isEmpty()) {
            return statics;
        }
        if (statics.isEmpty()) {
            return Set.copyOf(provided);
        }
        Set<Tag> all = new HashSet<>(statics);
        all.addAll(provided);
        return Set.copyOf(all);
    }

    /** Completes when every fetch running now has settled. */
    Mono<Void> awaitRunning() {
        List<Fetch> now = new ArrayList<>(running);
        return Flux.fromIterable(now).flatMap(Fetch::settled).then();
    }

    // ---------------------------------------------------------------- subscriptions

    <R> SubscriptionImpl<R> subscribe(EndpointRuntime endpoint, Object arg, SubscribeOptions options) {
        long now = endpoint.nowMillis();
        FetchPolicy policy = FetchPolicy.of(options);
        Query[] entry = new Query[1];
        Query.Acquired a = withEntry(endpoint, arg, true, q -> {
            entry[0] = q;
            q.addSubscriber(options);
            return q.acquire(FetchRequest.REFRESH, policy, now);
        });
        Query q = entry[0];
        events.publish(QueryCacheEvent.Type.SUBSCRIBER_ADDED, q);
        if (a != null && a.created()) {
            start(a.fetch());
        } else {
            q.notifyWatchers();
        }
        q.reschedulePoll(false);
        return new SubscriptionImpl<>(this, q, options);
    }

    void unsubscribe(Query q, SubscribeOptions options) {
        Boolean done = withEntry(q.endpoint, q.arg, false, cur -> {
            if (cur != q) {
                return false;
            }
            q.removeSubscriber(options);
            return true;
        });
        if (done) {
            touch(q);
            events.publish(QueryCacheEvent.Type.SUBSCRIBER_REMOVED, q);
            q.notifyWatchers();
            q.reschedulePoll(false);
        }
    }

    // ---------------------------------------------------------------- invalidation

    /**
     * Invalidates one entry: a running fetch is marked (handled when it settles), a subscribed entry is
     * refetched (its data stays visible meanwhile), an unused one removed.
     */
    void invalidate(Query q) {
        long now = q.endpoint.nowMillis();
        Query.Invalidation[] outcome = new Query.Invalidation[1];
        Query.Acquired[] refetch = new Query.Acquired[1];
        store.asMap().computeIfPresent(q.key, (k, cur) -> {
            if (cur != q) {
                return cur;
            }
            Query.Invalidation o = q.invalidate();
            outcome[0] = o;
            if (o == Query.Invalidation.REFETCH) {
                refetch[0] = q.acquire(FetchRequest.REFRESH, FetchPolicy.ALWAYS, now);
            } else if (o == Query.Invalidation.REMOVE) {
                unlink(k, q);
                return null;
            }
            return cur;
        });
        publishEvictions();
        if (outcome[0] == null) {
            return;
        }
        switch (outcome[0]) {
            case REMOVE -> events.publish(QueryCacheEvent.Type.REMOVED, q);
            case REFETCH -> {
                if (refetch[0] != null && refetch[0].created()) {
                    start(refetch[0].fetch());
                }
            }
            default -> q.notifyWatchers();
        }
    }

    /** Where invalidations made here are published (an {@link InvalidationBus}); none by default. */
    private volatile java.util.function.Consumer<Invalidation> publisher = i -> { };

    void publishTo(java.util.function.Consumer<Invalidation> publisher) {
        this.publisher = publisher;
    }

    private void publish(Invalidation i) {
        try {
            publisher.accept(i);
        } catch (RuntimeException ignored) {
            // a bus must not throw; if it does, the local invalidation still stands
        }
    }

    /** Invalidates the entries providing a matching tag; {@code publish}: also tell the other instances. */
    void invalidateTags(Collection<Tag> tags, boolean publish) {
        if (tags.isEmpty()) {
            return;
        }
        List<Tag> copy = List.copyOf(tags);
        for (Fetch f : running) {
            f.recordInvalidation(copy);
        }
        for (Query q : tagIndex.matching(copy)) {
            invalidate(q);
        }
        if (publish) {
            publish(Invalidation.tags("", copy));
        }
    }

    /** {@code Endpoint.invalidate(arg)}: invalidates the entry here and tells the other instances. */
    void invalidateEntry(EndpointRuntime endpoint, Object arg) {
        Query q = endpoint.lookup(arg);
        if (q != null) {
            invalidate(q);
        }
        publish(Invalidation.entry("", endpoint.name(), arg));
    }

    void invalidateAll(EndpointRuntime endpoint, boolean publish) {
        for (Query q : new ArrayList<>(endpoint.entries.values())) {
            invalidate(q);
        }
        if (publish) {
            publish(Invalidation.endpoint("", endpoint.name()));
        }
    }

    // ---------------------------------------------------------------- writes

    void setData(EndpointRuntime endpoint, Object arg, Object data) {
        Set<Tag> tags = tagsOf(endpoint, arg, data);
        boolean next = endpoint.behavior().hasNext(data);
        boolean previous = endpoint.behavior().hasPrevious(data);
        long now = endpoint.nowMillis();
        Query q = withEntry(endpoint, arg, true, cur -> {
            cur.write(data, now, tags, next, previous);
            return cur;
        });
        touch(q);
        events.publish(QueryCacheEvent.Type.UPDATED, q);
        q.notifyWatchers();
    }

    @SuppressWarnings("unchecked")
    <R> boolean updateData(EndpointRuntime endpoint, Object arg, java.util.function.UnaryOperator<R> updater) {
        while (true) {
            Query q = endpoint.lookup(arg);
            if (q == null) {
                return false;
            }
            EntryState s = q.state();
            if (!s.hasData) {
                return false;
            }
            Object data = updater.apply((R) s.data);
            Set<Tag> tags = tagsOf(endpoint, arg, data);
            boolean next = endpoint.behavior().hasNext(data);
            boolean previous = endpoint.behavior().hasPrevious(data);
            long now = endpoint.nowMillis();
            Boolean written = withEntry(endpoint, arg, false,
                    cur -> cur == q && q.compareAndWrite(s, data, now, tags, next, previous));
            if (written) {
                events.publish(QueryCacheEvent.Type.UPDATED, q);
                q.notifyWatchers();
                return true;
            }
        }
    }

    /** Adds a dehydrated entry unless the cached data is as new; returns whether it was applied. */
    boolean hydrate(EndpointRuntime endpoint, DehydratedState.DehydratedQuery d) {
        Set<Tag> tags = d.tags().isEmpty() ? tagsOf(endpoint, d.arg(), d.data()) : d.tags();
        boolean next = endpoint.behavior().hasNext(d.data());
        boolean previous = endpoint.behavior().hasPrevious(d.data());
        long at = d.fulfilledAt().toEpochMilli();
        Query[] entry = new Query[1];
        Boolean applied = withEntry(endpoint, d.arg(), true, q -> {
            entry[0] = q;
            EntryState s = q.state();
            if (s.hasData && s.fulfilledAtMillis >= at) {
                return false;
            }
            q.write(d.data(), at, tags, next, previous);
            return true;
        });
        if (applied) {
            touch(entry[0]);
            events.publish(QueryCacheEvent.Type.UPDATED, entry[0]);
            entry[0].notifyWatchers();
        }
        return applied;
    }

    // ---------------------------------------------------------------- whole cache

    List<Query> all() {
        return new ArrayList<>(store.asMap().values());
    }

    int size() {
        return store.asMap().size();
    }

    /** Drops every entry: aborts fetches, stops polling, completes watchers. */
    void reset() {
        for (Query q : all()) {
            Fetch[] running = new Fetch[1];
            store.asMap().computeIfPresent(q.key, (k, cur) -> {
                if (cur == q) {
                    running[0] = unlink(k, q);
                    return null;
                }
                return cur;
            });
            Fetch f = running[0];
            if (f != null) {
                f.cancel();
                observe(f, FetchObserver.Outcome.ABORTED);
                f.fail(new QueryAbortedException("fetch of endpoint '" + q.endpoint.name() + "' for arg " + q.arg
                        + " was aborted by resetApiState"));
            }
            events.publish(QueryCacheEvent.Type.REMOVED, q);
            q.completeWatchers();
        }
        publishEvictions();
    }

    void close() {
        reset();
        events.complete();
    }

}

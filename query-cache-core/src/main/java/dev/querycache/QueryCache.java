package dev.querycache;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.spi.Invalidation;
import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.SharedLevel;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/*
 * Design notes.
 *
 * Store. Each endpoint has its own Caffeine cache of entries keyed by the arg itself (EndpointRuntime),
 * so a hit is one getIfPresent that allocates no key, and Caffeine sees every read: its W-TinyLFU
 * policy decides evictions from the real request stream. maximumSize is the cache's maximum weight,
 * where pinned entries (a subscriber or a running fetch) weigh 0 and unused ones 1, so "pinned entries
 * are never evicted by size" is Caffeine's own guarantee. Every change of an entry runs inside the
 * store's compute for its key, which re-weighs it atomically with the change.
 *
 * One place where state changes. Every change is an EntryAction that dispatch() applies inside that
 * compute (CacheEntry.dispatch is the reducer). The tag index is kept up to date inside that same compute
 * (and in the eviction listener), so it never lags the entry; what to announce comes back as a Change, and
 * afterChange() announces it in one fixed order once every lock is released: removal timer, observers,
 * events, watchers, the fetch to launch, the waiters, a delayed invalidation, polling.
 *
 * Size evictions happen inside Caffeine's maintenance, under its eviction lock: the eviction listener
 * only unlinks the entry and queues it. Maintenance runs asynchronously, as Caffeine's default does (so
 * a hit never drains buffers itself); MaintenanceExecutor drains the queue (REMOVED events) once the
 * maintenance task has returned, and so does every dispatch: never under the lock.
 *
 * keepUnusedDataFor is an exact per-entry timer on the client's scheduler (Removable): Caffeine's
 * variable expiry fires in ~1s buckets, and the contract's boundaries are exact.
 */
/** The store and the cross-cutting policies (dispatch, fetching, invalidation, subscriptions). Thread-safe. */
final class QueryCache {

    private final TagIndex tagIndex = new TagIndex();
    private final Set<Fetch> running = ConcurrentHashMap.newKeySet();
    private final EventPublisher<QueryCacheEvent> events = new EventPublisher<>();
    private final EventPublisher<QueryState<?>> invalidated = new EventPublisher<>();
    private final ConcurrentLinkedQueue<CacheEntry> evicted = new ConcurrentLinkedQueue<>();
    private final List<EndpointRuntime> endpoints = new CopyOnWriteArrayList<>();
    private final List<FetchObserver> observers;
    /** What an errored entry keeps of its fetch's error (see {@code QueryClient.Builder#storedErrors}). */
    private final UnaryOperator<Throwable> storedErrors;

    QueryCache(List<FetchObserver> observers, UnaryOperator<Throwable> storedErrors) {
        this.observers = new java.util.concurrent.CopyOnWriteArrayList<>(observers);
        this.storedErrors = storedErrors;
    }

    /** The store of one endpoint; see the design notes. */
    Cache<Object, CacheEntry> newStore(EndpointRuntime endpoint) {
        endpoints.add(endpoint);
        return Caffeine.newBuilder()
                .executor(new MaintenanceExecutor(this::publishEvictions))
                .maximumWeight(endpoint.options().maximumSize())
                // a REQUEST entry stays while its request lives: its request removes it when it closes
                // entries on probation (Admission) weigh 0 too: untrusted traffic never evicts an ordinary entry
                .weigher((Object k, CacheEntry q) -> q.isPinned() || q.onProbation() || EntryKey.livesWithRequest(k) ? 0 : 1)
                .evictionListener(this::onEvicted)
                .build();
    }

    EventPublisher<QueryState<?>> invalidated() {
        return invalidated;
    }

    /** Publishes the entry's state {@code state} (its current one when null) as an event of {@code type}. */
    private void publishEvent(QueryCacheEvent.Type type, CacheEntry q, EntryState state) {
        if (q != null && events.hasListeners()) {
            events.publish(new QueryCacheEvent(type, StateView.of(q.endpoint, q.arg, state != null ? state : q.state())));
        }
    }

    EventPublisher<QueryCacheEvent> events() {
        return events;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Applies the action {@code action} gives for the entry of (endpoint, arg), inside the store's compute
     * for the key, creating the entry first when {@code create}; then announces the change. Returns null
     * when there is no entry (and {@code create} is false), or when {@code action} gave none.
     */
    Change dispatch(EndpointRuntime endpoint, Object arg, boolean create, EntryAction action) {
        return dispatch(endpoint, arg, create, null, action);
    }

    /** Dispatches {@code action} on {@code q} itself: nothing happens when {@code q} is no longer the live entry. */
    Change dispatch(CacheEntry q, EntryAction action) {
        return dispatch(q.endpoint, q.arg, false, q, action);
    }

    private Change dispatch(EndpointRuntime endpoint, Object arg, boolean create, CacheEntry only, EntryAction action) {
        // a call that may create an entry is either gated (untrusted traffic: admitted on probation) or the
        // application's own (promotes an entry on probation)
        Admission.Gate gate = create ? Admission.current() : null;
        if (gate != null && EntryKey.outlivesItsRequest(arg) && endpoint.lookup(arg) == null
                && !gate.admit(endpoint.name(), EntryKey.principal(arg), EntryKey.userArg(arg))) {
            return null;
        }
        Change[] change = new Change[1];
        boolean[] created = new boolean[1];
        endpoint.store.asMap().compute(EndpointRuntime.argKey(arg), (k, q) -> {
            if (q == null && create) {
                q = new CacheEntry(endpoint, arg);
                if (gate != null && EntryKey.outlivesItsRequest(arg)) {
                    q.admitOnProbation();
                }
                created[0] = true;
                tagIndex.update(q, Set.of(), q.state().tags);
            } else if (q != null && create && gate == null && q.onProbation()) {
                q.promote();   // re-weighed when the compute returns
            }
            if (q == null || (only != null && q != only)) {
                return q;
            }
            Change c = q.dispatch(action);
            change[0] = c;
            if (c.after.tags != c.before.tags) {
                tagIndex.update(q, c.before.tags, c.after.tags);
            }
            if (c.settled != null) {
                running.remove(c.settled);
            }
            if (c.started != null) {
                running.add(c.started);
            }
            if (c.remove) {
                tagIndex.remove(q, c.after.tags);
                return null;
            }
            return q;
        });
        publishEvictions();
        Change c = change[0];
        if (created[0]) {
            publishEvent(QueryCacheEvent.Type.ADDED, c != null ? c.query : endpoint.lookup(arg), null);
            if (c != null && !c.remove && !c.query.isPinned()) {
                c.unpinned = true;
            }
        }
        if (c != null) {
            afterChange(c);
        }
        return c;
    }

    /** Announces one change, with no lock held, in one fixed order. Never throws. */
    private void afterChange(Change c) {
        CacheEntry q = c.query;
        if (c.outcome == FetchObserver.Outcome.ABORTED) {
            c.settled.cancel();   // stop the upstream work
        }
        if (c.unpinned && !c.remove) {
            armRemoval(q);
        }
        if (c.settled != null) {
            observe(c.settled, c.outcome);
        }
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
        if (c.started != null) {
            launch(c.started);
        }
        if (c.settled != null) {
            if (c.outcome == FetchObserver.Outcome.SUCCESS) {
                c.settled.complete(c.value);
            } else {
                c.settled.fail(c.error);
                if (c.applied && c.error == c.after.error) {
                    StoredErrors.trim(c.error);   // the waiters got it whole; the entry keeps what readers need
                }
            }
        }
        if (c.invalidateAgain) {
            invalidate(q);
        }
        if (c.poll != Change.Poll.UNCHANGED) {
            q.reschedulePoll(c.poll, () -> poll(q));
        }
    }

    // ---------------------------------------------------------------- removal

    /** Arms the keepUnusedDataFor timer of an entry that just became unused. */
    private void armRemoval(CacheEntry q) {
        if (EntryKey.livesWithRequest(q.arg)) {
            return;   // removed when its request closes
        }
        long keep = q.endpoint.options().keepUnusedNanos();
        if (keep == 0) {
            expire(q);
        } else if (keep != Long.MAX_VALUE) {
            q.scheduleRemoval(q.endpoint.scheduler(), keep, () -> expire(q));
        }
    }

    /** keepUnusedDataFor ran out: removes {@code q} if it is still the live entry and unused. */
    private void expire(CacheEntry q) {
        Change c = dispatch(q, new EntryAction.Expire());
        if (c != null && c.remove) {
            q.endpoint.evictions.increment();
        }
    }

    /** Caffeine evicted an unused entry by size; runs under its eviction lock, so it only unlinks and queues. */
    private void onEvicted(Object key, CacheEntry q, RemovalCause cause) {
        if (q == null) {
            return;
        }
        q.markRemoved();
        tagIndex.remove(q, q.state().tags);
        q.endpoint.evictions.increment();
        evicted.add(q);
    }

    private void publishEvictions() {
        CacheEntry q;
        while ((q = evicted.poll()) != null) {
            publishEvent(QueryCacheEvent.Type.REMOVED, q, null);
        }
    }

    /** Runs Caffeine's pending maintenance now (entries over maximumSize are evicted). */
    void cleanUp() {
        for (EndpointRuntime e : endpoints) {
            e.store.cleanUp();
        }
        publishEvictions();
    }

    // ---------------------------------------------------------------- fetching

    /** The entry's data: fresh from cache, joined, or fetched; counts hit/miss/dedup. */
    Mono<Object> query(EndpointRuntime endpoint, Object arg, FetchRequest request) {
        Change c = dispatch(endpoint, arg, true,
                new EntryAction.Acquire(request, FetchPolicy.UNLESS_FRESH, endpoint.nowMillis()));
        if (c == null) {
            return refused(endpoint);
        }
        Fetch f = c.fetch();
        if (f == null) {
            endpoint.hits.increment();
            return c.after.dataMono();
        }
        (c.started != null ? endpoint.misses : endpoint.dedups).increment();
        return f.result();
    }

    private static Mono<Object> refused(EndpointRuntime endpoint) {
        return Mono.error(new java.util.concurrent.RejectedExecutionException(
                "the admission gate refused a new entry of endpoint '" + endpoint.name() + "'"));
    }

    /**
     * A hit on an entry on probation: the application's own read (no gate on this thread) promotes it. Off
     * the common hit path: only entries on probation get here.
     */
    void promoteIfTrusted(EndpointRuntime endpoint, Object key) {
        if (Admission.current() == null) {
            endpoint.store.asMap().computeIfPresent(EndpointRuntime.argKey(key), (k, q) -> {
                q.promote();
                return q;   // re-weighed
            });
        }
    }

    /** See {@link Admission#discard}. */
    Admission.Discarded discardOnProbation(EndpointRuntime endpoint, Object key) {
        CacheEntry q = endpoint.lookup(key);
        if (q == null) {
            return Admission.Discarded.ABSENT;
        }
        if (!q.onProbation()) {
            return Admission.Discarded.NOT_ON_PROBATION;
        }
        Change c = dispatch(q, new EntryAction.Discard());
        if (c != null && c.remove) {
            return Admission.Discarded.DISCARDED;
        }
        if (c == null || q.isGone()) {
            return Admission.Discarded.ABSENT;
        }
        return q.onProbation() ? Admission.Discarded.IN_USE : Admission.Discarded.NOT_ON_PROBATION;
    }

    /** Starts a background refetch unless one runs (stale-while-revalidate). */
    void revalidate(EndpointRuntime endpoint, Object arg) {
        fetch(endpoint, arg, FetchRequest.REFRESH, FetchPolicy.UNLESS_FRESH);
    }

    /** Fetches as {@code policy} says; answers the cached data when no fetch is needed. */
    Mono<Object> fetch(EndpointRuntime endpoint, Object arg, FetchRequest request, FetchPolicy policy) {
        Change c = dispatch(endpoint, arg, true, new EntryAction.Acquire(request, policy, endpoint.nowMillis()));
        if (c == null) {
            return refused(endpoint);
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

    /** The poll timer of {@code q} fired: refetches it if it is still the live entry and still polls. */
    private void poll(CacheEntry q) {
        if (q.pollFired()) {
            dispatch(q, new EntryAction.Acquire(FetchRequest.REFRESH, FetchPolicy.ALWAYS, q.endpoint.nowMillis()));
        }
    }

    /** Subscribes the fetcher of a fetch that a dispatch created. Call with no lock held. */
    private void launch(Fetch f) {
        CacheEntry q = f.query;
        EndpointRuntime endpoint = q.endpoint;
        f.startedAtNanos = System.nanoTime();
        endpoint.fetches.increment();
        Mono<Object> work = Mono.defer(() -> endpoint.behavior().fetch(endpoint, q.arg, f.startState, f.request));
        SharedLevel level = sharedLevel;
        if (level != null && EntryKey.outlivesItsRequest(q.arg) && f.request.kind() == FetchKind.REFRESH) {
            work = level.load(new SharedEntry(endpoint, q.arg), work).cast(Object.class);
        }
        String caller = EntryKey.principal(q.arg);
        if (caller != null) {
            work = work.contextWrite(QueryScopes.withPrincipal(caller));   // the fetcher sees its caller
        }
        FetchSubscriber subscriber = new FetchSubscriber(f);
        f.attach(subscriber);
        work.subscribe(subscriber);
    }

    /**
     * Settles one fetch from its fetcher's signals, then forgets it: whatever keeps the subscriber chain
     * alive afterwards (an HTTP client's error holding its request, a pending timer) does not keep the
     * settled {@link Fetch}, its waiters' sink or the entry reachable.
     */
    private final class FetchSubscriber extends reactor.core.publisher.BaseSubscriber<Object> {

        private volatile Fetch fetch;
        private boolean valued;

        FetchSubscriber(Fetch fetch) {
            this.fetch = fetch;
        }

        private Fetch take() {
            Fetch f = fetch;
            fetch = null;
            return f;
        }

        @Override
        protected void hookOnNext(Object value) {
            Fetch f = take();
            if (f != null) {
                valued = true;
                if (value instanceof SharedLevel.Loaded loaded) {
                    long now = f.query.endpoint.nowMillis();
                    // the level's time when it has one (a copy keeps the fetching instance's), never in the future
                    long at = loaded.fulfilledAtMillis() > 0 ? Math.min(loaded.fulfilledAtMillis(), now) : now;
                    settleSuccess(f, loaded.data(), at, loaded.shared());
                } else {
                    settleSuccess(f, value, f.query.endpoint.nowMillis(), false);
                }
            }
        }

        @Override
        protected void hookOnComplete() {
            Fetch f = take();
            if (f != null && !valued) {
                settleSuccess(f, null, f.query.endpoint.nowMillis(), false);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            Fetch f = take();
            if (f != null) {
                settleFailure(f, error);
            }
        }
    }

    private void settleSuccess(Fetch f, Object value, long fulfilledAtMillis, boolean shared) {
        CacheEntry q = f.query;
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
        Change c = dispatch(q, new EntryAction.Succeed(f, value, tags, next, previous, fulfilledAtMillis, shared));
        if (c == null || !c.applied) {
            f.complete(value);   // detached (the entry went away meanwhile): its waiters still get the data
        }
    }

    private void settleFailure(Fetch f, Throwable error) {
        Throwable kept = error;
        try {
            Throwable compact = storedErrors.apply(error);
            if (compact != null && compact != error) {
                StoredErrors.trim(compact);
                kept = compact;
            }
        } catch (RuntimeException ignored) {
            // a compactor that fails keeps the error as it is
        }
        Change c = dispatch(f.query, new EntryAction.Fail(f, error, kept));
        if (c == null || !c.applied) {
            f.fail(error);
        } else {
            f.query.endpoint.errors.increment();
        }
    }

    /** Aborts the running fetch of {@code q}: waiters get {@link QueryAbortedException}, data stays. */
    void abort(CacheEntry q) {
        dispatch(q, new EntryAction.Abort("fetch of endpoint '" + q.endpoint.name() + "' for arg " + q.arg
                + " was aborted"));
    }

    /** Adds an observer of settled fetches; disposing the result removes it. */
    reactor.core.Disposable observeFetches(FetchObserver observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer"));
        return () -> observers.remove(observer);
    }

    private void observe(Fetch f, FetchObserver.Outcome outcome) {
        if (observers.isEmpty()) {
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - f.startedAtNanos);
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
        Change c = dispatch(endpoint, arg, true,
                new EntryAction.Subscribe(options, FetchPolicy.of(options), endpoint.nowMillis()));
        if (c == null) {
            throw new java.util.concurrent.RejectedExecutionException(
                    "the admission gate refused a new entry of endpoint '" + endpoint.name() + "'");
        }
        return new SubscriptionImpl<>(this, c.query, options);
    }

    void unsubscribe(CacheEntry q, SubscribeOptions options) {
        dispatch(q, new EntryAction.Unsubscribe(options));
    }

    // ---------------------------------------------------------------- invalidation

    /**
     * Invalidates one entry: a running fetch is marked (handled when it settles, whatever the outcome), a
     * subscribed entry is refetched (its data stays visible meanwhile), an unused one removed.
     */
    void invalidate(CacheEntry q) {
        dispatch(q, new EntryAction.Invalidate(q.endpoint.nowMillis()));
        if (invalidated.hasListeners() && EntryKey.outlivesItsRequest(q.arg)) {
            invalidated.publish(q.view());
        }
    }

    /** The second level the instances share, or null (see {@link SharedLevel}). */
    private volatile SharedLevel sharedLevel;

    void shareThrough(SharedLevel level) {
        this.sharedLevel = level;
    }

    /** Tells the second level about an invalidation made here, before it is applied and published. */
    private void invalidatingShared(Invalidation i) {
        SharedLevel level = sharedLevel;
        if (level != null) {
            try {
                level.invalidating(i);
            } catch (RuntimeException ignored) {
                // a level must not throw; the local invalidation still stands
            }
        }
    }

    /** Where invalidations made here are published (an {@link InvalidationBus}); none by default. */
    private volatile Consumer<Invalidation> publisher = i -> { };

    void publishTo(Consumer<Invalidation> publisher) {
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
        Invalidation announced = publish ? Invalidation.tags("", copy) : null;
        if (publish) {
            invalidatingShared(announced);
        }
        for (Fetch f : running) {
            f.recordInvalidation(copy);
        }
        for (CacheEntry q : tagIndex.matching(copy)) {
            invalidate(q);
        }
        if (publish) {
            publish(announced);
        }
    }

    /** {@code Endpoint.invalidate(arg)}: invalidates the entry here and tells the other instances. */
    void invalidateEntry(EndpointRuntime endpoint, Object arg) {
        // a PRINCIPAL entry's key is internal: the message names the caller and the user's arg explicitly
        Invalidation announced = EntryKey.livesWithRequest(arg) ? null   // a request's own entry: nothing of it exists elsewhere
                : Invalidation.entry("", endpoint.name(), EntryKey.userArg(arg), EntryKey.principal(arg));
        if (announced != null) {
            invalidatingShared(announced);
        }
        CacheEntry q = endpoint.lookup(arg);
        if (q != null) {
            invalidate(q);
        }
        if (announced != null) {
            publish(announced);
        }
    }

    /** Removes a REQUEST entry when its request closes, aborting a fetch still running for it. */
    void drop(EndpointRuntime endpoint, Object key) {
        CacheEntry q = endpoint.lookup(key);
        if (q != null) {
            dispatch(q, new EntryAction.Reset("because its request ended"));
        }
    }

    /** Invalidates the entry of {@code arg} (for PRINCIPAL endpoints: of {@code principal}) without publishing. */
    void invalidateRemoteEntry(EndpointRuntime endpoint, Object arg, String principal) {
        CacheEntry q = endpoint.lookup(EntryKey.of(principal, arg));
        if (q != null) {
            invalidate(q);
        }
    }

    /** Invalidates {@code principal}'s entries of a PRINCIPAL endpoint, without publishing. */
    void invalidateCallerEntries(EndpointRuntime endpoint, String principal) {
        for (CacheEntry q : new ArrayList<>(endpoint.store.asMap().values())) {
            if (principal.equals(EntryKey.principal(q.arg))) {
                invalidate(q);
            }
        }
    }

    void invalidateAll(EndpointRuntime endpoint, boolean publish) {
        Invalidation announced = publish ? Invalidation.endpoint("", endpoint.name(), null) : null;
        if (publish) {
            invalidatingShared(announced);
        }
        for (CacheEntry q : new ArrayList<>(endpoint.store.asMap().values())) {
            invalidate(q);
        }
        if (publish) {
            publish(announced);
        }
    }

    // ---------------------------------------------------------------- writes

    void setData(EndpointRuntime endpoint, Object arg, Object data) {
        dispatch(endpoint, arg, true, write(endpoint, arg, data, endpoint.nowMillis(), null, Long.MIN_VALUE, null));
    }

    @SuppressWarnings("unchecked")
    <R> boolean updateData(EndpointRuntime endpoint, Object arg, UnaryOperator<R> updater) {
        while (true) {
            CacheEntry q = endpoint.lookup(arg);
            if (q == null) {
                return false;
            }
            EntryState s = q.state();
            if (!s.hasData) {
                return false;
            }
            Object data = updater.apply((R) s.data);
            Change c = dispatch(q, write(endpoint, arg, data, endpoint.nowMillis(), s, Long.MIN_VALUE, null));
            if (c != null && c.applied) {
                return true;
            }
            if (c == null && endpoint.lookup(arg) == null) {
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
                                           EntryState expected, long newerThan, Set<Tag> knownTags) {
        Set<Tag> tags = knownTags != null ? knownTags : tagsOf(endpoint, arg, data);
        return new EntryAction.Write(data, at, tags, endpoint.behavior().hasNext(data),
                endpoint.behavior().hasPrevious(data), expected, newerThan);
    }

    // ---------------------------------------------------------------- whole cache

    List<CacheEntry> all() {
        List<CacheEntry> out = new ArrayList<>();
        for (EndpointRuntime e : endpoints) {
            out.addAll(e.store.asMap().values());
        }
        return out;
    }

    int size() {
        int n = 0;
        for (EndpointRuntime e : endpoints) {
            n += e.store.asMap().size();
        }
        return n;
    }

    /** Drops every entry: aborts fetches (they settle as aborted), stops polling, completes watchers. */
    void reset() {
        for (CacheEntry q : all()) {
            dispatch(q, new EntryAction.Reset("by resetApiState"));
        }
    }

    void close() {
        reset();
        events.complete();
        invalidated.complete();
    }
}

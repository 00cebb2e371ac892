package dev.querycache;

import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.SharedLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fetching, as RTK Query's query thunk: runs the fetch a change started (through the store seam, so a
 * second level may answer it), turns the fetcher's signals into {@link EntryAction.Succeed} or
 * {@link EntryAction.Fail}, and, once the entry took the outcome, tells the fetch's waiters and the
 * {@link FetchObserver}s. Keeps the set of running fetches. Thread-safe.
 */
final class Fetching {

    private final CacheEngine cache;
    private final EntryStore store;
    private final Set<Fetch> running = ConcurrentHashMap.newKeySet();
    private final List<FetchObserver> observers;
    /** What an errored entry keeps of its fetch's error (see {@code QueryClient.Builder#storedErrors}). */
    private final UnaryOperator<Throwable> storedErrors;

    Fetching(CacheEngine cache, EntryStore store, List<FetchObserver> observers, UnaryOperator<Throwable> storedErrors) {
        this.cache = cache;
        this.store = store;
        this.observers = new CopyOnWriteArrayList<>(observers);
        this.storedErrors = storedErrors;
    }

    /** Inside the change's compute: keeps the set of running fetches. */
    void track(Change c) {
        if (c.settled != null) {
            running.remove(c.settled);
        }
        if (c.started != null) {
            running.add(c.started);
        }
    }

    /** The fetches running now (a snapshot). */
    List<Fetch> running() {
        return new ArrayList<>(running);
    }

    /** After a change, before its events: stops an aborted fetch's upstream work and tells the observers. */
    void settling(Change c) {
        if (c.outcome == FetchObserver.Outcome.ABORTED) {
            c.settled.cancel();
        }
        if (c.settled != null) {
            observe(c.settled, c.outcome);
        }
    }

    /** After a change's events and watchers: launches the fetch it started, answers the one it settled. */
    void afterChange(Change c) {
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
    }

    /** Subscribes the fetcher of a fetch that a dispatch created. Call with no lock held. */
    private void launch(Fetch f) {
        CacheEntry q = f.query;
        EndpointRuntime endpoint = q.endpoint;
        f.startedAtNanos = System.nanoTime();
        endpoint.fetches.increment();
        Mono<Object> work = store.load(q, f.request,
                Mono.defer(() -> endpoint.behavior().fetch(endpoint, q.arg, f.startState, f.request)));
        dev.querycache.spi.FetchTracing tracing = cache.tracing;
        if (tracing != null) {
            work = tracing.trace(endpoint.name(), work, CallerContext.current());
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
    private final class FetchSubscriber extends BaseSubscriber<Object> {

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
                    succeed(f, loaded.data(), at, loaded.shared());
                } else {
                    succeed(f, value, f.query.endpoint.nowMillis(), false);
                }
            }
        }

        @Override
        protected void hookOnComplete() {
            Fetch f = take();
            if (f != null && !valued) {
                succeed(f, null, f.query.endpoint.nowMillis(), false);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            Fetch f = take();
            if (f != null) {
                fail(f, error);
            }
        }
    }

    private void succeed(Fetch f, Object value, long fulfilledAtMillis, boolean shared) {
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
            fail(f, e);
            return;
        }
        Change c = cache.dispatch(q, new EntryAction.Succeed(f, value, tags, next, previous, fulfilledAtMillis, shared));
        if (c == null || !c.applied) {
            f.complete(value);   // detached (the entry went away meanwhile): its waiters still get the data
        }
    }

    private void fail(Fetch f, Throwable error) {
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
        Change c = cache.dispatch(f.query, new EntryAction.Fail(f, error, kept));
        if (c == null || !c.applied) {
            f.fail(error);
        } else {
            f.query.endpoint.errors.increment();
        }
    }

    /** Aborts the running fetch of {@code q}: waiters get {@link QueryAbortedException}, data stays. */
    void abort(CacheEntry q) {
        cache.dispatch(q, new EntryAction.Abort("fetch of endpoint '" + q.endpoint.name() + "' for arg " + q.arg
                + " was aborted"));
    }

    /** Adds an observer of settled fetches; disposing the result removes it. */
    Disposable observeFetches(FetchObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
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

    /** The tags {@code data} of {@code arg} provides: the endpoint's static tags and its fetcher's. */
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
        return Flux.defer(() -> Flux.fromIterable(running())).flatMap(Fetch::settled).then();   // the fetches running when subscribed
    }
}

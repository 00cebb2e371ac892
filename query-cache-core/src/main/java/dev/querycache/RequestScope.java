package dev.querycache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running request, as the entries of {@link QueryScope#REQUEST} endpoints and the page state see it.
 * Its own state: its {@code REQUEST} entries (de-duplicated within the request, with the whole
 * {@link Endpoint} contract, removed when it closes) and the entries of any scope the request read, so
 * that a page can embed exactly those ({@link QueryClient#dehydrate(RequestScope)}). Open one per request
 * ({@link #open()}) and close it when the request ends; the starter's web filter does both. Thread-safe.
 */
public final class RequestScope {

    /** An entry read by this request: the endpoint and the arg as the cache keys it. */
    record Read(EndpointRuntime endpoint, Object key) {
    }

    final Set<Read> read = ConcurrentHashMap.newKeySet();
    /** Set for a refresh ({@link #forRefresh}): prefetches count as reads, so the state holds them. */
    private final boolean prefetchesAreReads;
    /** This request's REQUEST entries, each with what removes it. */
    private final Map<RequestArg, Runnable> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RequestScope(boolean prefetchesAreReads) {
        this.prefetchesAreReads = prefetchesAreReads;
    }

    /** A new, empty request scope. */
    public static RequestScope open() {
        return new RequestScope(false);
    }

    /**
     * A scope for computing the state of a page without rendering it (a single-flight write's refresh): the
     * entries prefetched in it (by the page's route preloads) count as read, so
     * {@link QueryClient#dehydrate(RequestScope)} holds them once they have data.
     */
    public static RequestScope forRefresh() {
        return new RequestScope(true);
    }

    /** A prefetch of (endpoint, key) on this thread: a read of the current refresh scope, if one runs. */
    static void recordPrefetch(EndpointRuntime endpoint, Object key) {
        RequestScope current = QueryScopes.currentRequest();
        if (current != null && current.prefetchesAreReads) {
            current.read.add(new Read(endpoint, key));
        }
    }

    /**
     * Completes when none of the entries this request read has a fetch running (at once when none has),
     * whatever the fetches' outcomes; for awaiting a refresh's refetches up to a bound.
     */
    public reactor.core.publisher.Mono<Void> readsSettled() {
        java.util.List<reactor.core.publisher.Mono<Void>> running = new java.util.ArrayList<>();
        for (Read r : read) {
            CacheEntry q = EntryStore.peek(r.endpoint(), r.key());
            Fetch f = q == null ? null : q.inFlight();
            if (f != null) {
                running.add(f.settled());
            }
        }
        return reactor.core.publisher.Mono.when(running);
    }

    /** Records a REQUEST entry of this request (once per key); {@code drop} removes it when the request closes. */
    void track(EndpointRuntime endpoint, RequestArg key, Runnable drop) {
        if (closed.get()) {
            throw new IllegalStateException("endpoint '" + endpoint.name() + "' has scope REQUEST, but its request has ended");
        }
        if (entries.putIfAbsent(key, () -> {
            endpoint.liveRequestEntries.decrementAndGet();
            drop.run();
        }) == null) {
            endpoint.liveRequestEntries.incrementAndGet();
        }
    }

    /**
     * Ends the request: its {@code REQUEST} entries are removed (a fetch still running for one is aborted).
     * Idempotent; the starter's web filter calls it when the request completes.
     */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            entries.values().forEach(Runnable::run);
            entries.clear();
        }
    }

    /** How many {@code REQUEST}-scope entries this request holds. */
    public int requestEntryCount() {
        return entries.size();
    }
}

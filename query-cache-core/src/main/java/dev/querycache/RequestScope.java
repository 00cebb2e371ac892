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
    /** This request's REQUEST entries, each with what removes it. */
    private final Map<RequestArg, Runnable> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RequestScope() {
    }

    /** A new, empty request scope. */
    public static RequestScope open() {
        return new RequestScope();
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

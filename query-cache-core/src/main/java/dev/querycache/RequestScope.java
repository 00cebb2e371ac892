package dev.querycache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * One request's own state: the entries of {@code REQUEST} endpoints (de-duplicated within the request,
 * gone with it, never in the shared cache) and the entries of any scope the request read, so that a page
 * can embed exactly those ({@link QueryClient#dehydrate(RequestScope)}). Open one per request
 * ({@link #open()}); the starter's web filter does. Thread-safe.
 */
public final class RequestScope {

    /** An entry read by this request: the endpoint and the arg as the cache keys it. */
    record Read(EndpointRuntime endpoint, Object key) {
    }

    record RequestKey(EndpointRuntime endpoint, Object arg) {
    }

    final Map<RequestKey, Mono<Object>> entries = new ConcurrentHashMap<>();
    final Map<RequestKey, Object> values = new ConcurrentHashMap<>();
    final Set<Read> read = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RequestScope() {
    }

    /** A new, empty request scope. */
    public static RequestScope open() {
        return new RequestScope();
    }

    /**
     * Ends the request: its {@code REQUEST} entries stop counting in {@link QueryClient#requestEntryCount()}.
     * Idempotent; the starter's web filter calls it when the request completes.
     */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            entries.keySet().forEach(k -> k.endpoint().liveRequestEntries.decrementAndGet());
        }
    }

    /** How many {@code REQUEST}-scope entries this request holds. */
    public int requestEntryCount() {
        return entries.size();
    }
}

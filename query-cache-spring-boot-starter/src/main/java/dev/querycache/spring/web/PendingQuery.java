package dev.querycache.spring.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.ContextView;

/**
 * One pending query of a {@link StreamedPage} while its response is written: the template variable its
 * {@code qc:await} element reads (what it shows depends on {@link #outcome()}), the places where the page
 * rendered its fallback, and a Mono that completes once it settles. Not a reactive type, so that Spring's
 * view rendering does not await it. Thread-safe: it settles on the fetch's thread while the page renders.
 */
final class PendingQuery {

    enum Outcome { PENDING, VALUE, FAILED }

    /** Where the page rendered the fallback: the id of its element and how to render it again once settled. */
    record Placement(int id, Supplier<String> render) {
    }

    private final StreamedPage.Pending spec;
    private final Sinks.One<PendingQuery> settled = Sinks.one();
    private final List<Placement> placements = new CopyOnWriteArrayList<>();
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile Object value;
    private volatile long settledAt;   // System.nanoTime() when it settled: the order its chunk goes out in
    private volatile Disposable subscription;
    private volatile boolean stopped;
    private final java.util.concurrent.atomic.AtomicInteger ids;

    /** @param ids the page's placement ids, shared by its pending queries */
    PendingQuery(StreamedPage.Pending spec, java.util.concurrent.atomic.AtomicInteger ids) {
        this.spec = spec;
        this.ids = ids;
    }

    /**
     * Whether subscribing it in {@code context} answers at once: an entry that is fresh in the cache. Any other
     * (a miss, a stale entry, one being fetched) starts or joins a fetch, which the page starts on another
     * thread ({@link PageStream#start}), so that starting it does not hold up the first byte.
     */
    boolean answersAtOnce(ContextView context) {
        return spec.source() == null || isFreshIn(context);
    }

    /**
     * Subscribes the query in {@code context} (the request's: caller, scope, admission gate), on this thread;
     * never after {@link #stop}.
     */
    void subscribe(ContextView context) {
        if (stopped) {
            return;
        }
        subscription = spec.value().contextWrite(context).subscribe(
                v -> settle(Outcome.VALUE, v),
                e -> settle(Outcome.FAILED, null),
                () -> settle(Outcome.VALUE, value));
        if (stopped) {   // stopped while it subscribed
            subscription.dispose();
        }
    }

    /** Whether the cache holds fresh data for it, for the caller in {@code context}; reading creates nothing. */
    private boolean isFreshIn(ContextView context) {
        java.util.concurrent.atomic.AtomicBoolean fresh = new java.util.concurrent.atomic.AtomicBoolean();
        InRequest.call(() -> spec.source().state(spec.arg())).contextWrite(context)
                .subscribe(s -> fresh.set(s.status() == dev.querycache.QueryStatus.SUCCESS && !s.isStale()), e -> { });
        return fresh.get();
    }

    private void settle(Outcome o, Object v) {
        if (outcome != Outcome.PENDING) {
            return;
        }
        value = v;
        settledAt = System.nanoTime();
        outcome = o;
        settled.tryEmitValue(this);
    }

    /** Stops waiting for it (the response was cancelled); a fetch it started goes on for the cache. */
    void stop() {
        stopped = true;
        Disposable d = subscription;
        if (d != null) {
            d.dispose();
        }
    }

    String name() {
        return spec.name();
    }

    /** The endpoint of its browser-cache key, or null when it has none. */
    String endpoint() {
        return spec.endpoint();
    }

    Object arg() {
        return spec.arg();
    }

    private String keyJson;   // written and read by the one thread making the page's chunks at a time

    /** Its browser-cache key as JSON ({@code [endpoint, arg]}, written by {@code write} once), or "null" when it has none. */
    String keyJson(java.util.function.BiFunction<String, Object, String> write) {
        if (keyJson == null) {
            keyJson = spec.endpoint() == null ? "null" : write.apply(spec.endpoint(), spec.arg());
        }
        return keyJson;
    }

    Outcome outcome() {
        return outcome;
    }

    /** The data once {@link Outcome#VALUE} (null for an empty answer). */
    Object value() {
        return value;
    }

    long settledAt() {
        return settledAt;
    }

    Mono<PendingQuery> settled() {
        return settled.asMono();
    }

    /** Records that the page rendered its fallback; returns the id of that element. */
    int place(Supplier<String> render) {
        int id = ids.incrementAndGet();
        placements.add(new Placement(id, render));
        return id;
    }

    List<Placement> placements() {
        return placements;
    }
}

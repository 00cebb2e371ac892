package dev.querycache.spring.internal;

import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * How one fetch ran, noted by the shared level as it goes and read by the fetch's observation when it ends:
 * fetched here ({@code local}), as the holder of the cluster's lease, after waiting for another instance's
 * lease, after taking over an expired one, or answered by a copy from Redis. Travels in the fetch's Reactor
 * Context under {@link #KEY} (present only when fetches are observed). Thread-safe (volatile fields; one
 * fetch's steps run one after another).
 */
public final class FetchRun {

    /** The Reactor Context key. */
    public static final Object KEY = FetchRun.class;

    private volatile boolean leaseHolder;
    private volatile boolean waited;
    private volatile boolean tookOver;
    private volatile boolean sharedCopy;

    public void leaseHolder() {
        leaseHolder = true;
    }

    public void waited() {
        waited = true;
    }

    public void tookOver() {
        tookOver = true;
    }

    public void sharedCopy() {
        sharedCopy = true;
    }

    /** Whether a copy from Redis answered the fetch (nothing was fetched). */
    public boolean answeredBySharedCopy() {
        return sharedCopy;
    }

    /** {@code shared-copy}, {@code takeover}, {@code after-lease-wait}, {@code lease-holder} or {@code local}. */
    public String mode() {
        if (sharedCopy) {
            return "shared-copy";
        }
        if (tookOver) {
            return "takeover";
        }
        if (waited) {
            return "after-lease-wait";
        }
        return leaseHolder ? "lease-holder" : "local";
    }

    /** {@code then}, after noting on the subscriber's run (if it has one) what {@code note} says. */
    public static <T> Mono<T> noting(Consumer<FetchRun> note, Mono<T> then) {
        return Mono.deferContextual(ctx -> {
            Object run = ctx.getOrDefault(KEY, null);
            if (run instanceof FetchRun r) {
                note.accept(r);
            }
            return then;
        });
    }
}

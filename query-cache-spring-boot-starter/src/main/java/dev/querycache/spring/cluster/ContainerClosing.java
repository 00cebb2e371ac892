package dev.querycache.spring.cluster;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.publisher.Mono;

/**
 * Closes the message listener containers of one component (each one's subscription connection) and lets
 * the component's stop wait until they are closed, so that none is still closing while the connection
 * factory shuts its client down. Thread-safe.
 */
final class ContainerClosing {

    private final Queue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();

    /** Starts closing {@code container}; a failure to close counts as closed (the connection is gone either way). */
    void close(ReactiveRedisMessageListenerContainer container) {
        CompletableFuture<Void> closed = container.destroyLater().onErrorResume(e -> Mono.empty()).toFuture();
        pending.add(closed);
        closed.whenComplete((v, e) -> pending.remove(closed));
    }

    /** Waits until every close started so far has finished, or {@code timeout} has passed; never throws. */
    void awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Void> closed : pending) {
            try {
                closed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                return;   // the factory's own shutdown closes what is left
            }
        }
    }
}

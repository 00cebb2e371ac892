package dev.querycache;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes events (the {@link QueryCacheEvent}s of {@link QueryClient#events()}, the invalidated entries of
 * {@link QueryClient.Inspector#invalidations()}) to their subscribers.
 *
 * <p>Publishing never blocks, spins, throws or runs a listener's code: each listener has its own bounded
 * queue ({@value #BUFFER} events) drained on a worker of its own, at the pace of the listener's demand.
 * When a listener falls that far behind, further events for it are dropped and counted
 * ({@link #droppedCount()}); the cache's state and every caller's outcome are the same with or without
 * listeners. Costs one volatile read when nobody listens. Thread-safe; callers publish with no lock held.
 */
final class EventPublisher<E> {

    static final int BUFFER = 10_000;

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean completed;

    /** Whether anyone listens (one volatile read): lets callers skip building an event nobody gets. */
    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /** Publishes {@code event} to every listener. */
    void publish(E event) {
        for (Listener l : listeners) {
            l.offer(event);
        }
    }

    /** Events dropped because a listener's queue was full. */
    long droppedCount() {
        return dropped.sum();
    }

    Flux<E> flux() {
        return Flux.create(sink -> {
            Listener l = new Listener(sink, Schedulers.boundedElastic().createWorker());
            listeners.add(l);
            sink.onRequest(n -> l.schedule());
            sink.onDispose(l::dispose);
            if (completed) {
                l.schedule();
            }
        }, FluxSink.OverflowStrategy.ERROR);
    }

    void complete() {
        completed = true;
        for (Listener l : listeners) {
            l.schedule();
        }
    }

    /** One subscriber of {@link #flux()}: a bounded queue and a drain loop on its own worker. */
    private final class Listener implements Runnable {

        private final FluxSink<E> sink;
        private final Scheduler.Worker worker;
        private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicInteger wip = new AtomicInteger();

        Listener(FluxSink<E> sink, Scheduler.Worker worker) {
            this.sink = sink;
            this.worker = worker;
        }

        void offer(E event) {
            if (size.incrementAndGet() > BUFFER) {
                size.decrementAndGet();
                dropped.increment();
                return;
            }
            queue.offer(event);
            schedule();
        }

        void schedule() {
            if (wip.getAndIncrement() == 0) {
                try {
                    worker.schedule(this);
                } catch (RejectedExecutionException disposed) {
                    wip.set(0);
                }
            }
        }

        @Override
        public void run() {
            int missed = 1;
            do {
                while (!sink.isCancelled() && sink.requestedFromDownstream() > 0) {
                    E e = queue.poll();
                    if (e == null) {
                        break;
                    }
                    size.decrementAndGet();
                    sink.next(e);
                }
                if (completed && queue.isEmpty() && !sink.isCancelled()) {
                    sink.complete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        void dispose() {
            listeners.remove(this);
            worker.dispose();
            queue.clear();
        }
    }
}

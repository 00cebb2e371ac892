package dev.querycache;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread ({@value #NAME}) that runs the stores' maintenance ({@link MaintenanceExecutor}),
 * started on first use and kept for the life of the JVM, as Caffeine keeps the common pool.
 *
 * <p>Stores waiting for maintenance form a lock-free stack (each store at most once). The thread takes
 * the whole stack, runs each store's maintenance, then pauses for {@link #PAUSE_NANOS} before it looks
 * again, so a burst of requests costs the requesters no wake-up: only a request that finds the thread
 * parked for want of work unparks it. With no requests the thread parks until the next one, so an idle
 * application costs nothing. A maintenance task that throws is reported and does not stop the thread;
 * an interrupt is cleared and ignored.
 * The stores are served one after another; should writes ever outpace the thread, Caffeine makes the
 * writers whose buffer is full do the maintenance themselves, so nothing grows without bound.
 *
 * <p>Thread-safe.
 */
final class MaintenanceThread implements Runnable {

    static final String NAME = "query-cache-maintenance";
    /**
     * The pause between two rounds while requests keep coming. Evictions and the eviction policy's view
     * of the reads lag by at most this much under load; at rest, a request is served at once.
     */
    static final long PAUSE_NANOS = 100_000L;

    private static final int RUNNING = 0;
    private static final int PARKED = 1;

    private static final AtomicReference<MaintenanceExecutor> WAITING = new AtomicReference<>();
    private static final AtomicInteger STATE = new AtomicInteger(RUNNING);
    private static final System.Logger LOG = System.getLogger(MaintenanceThread.class.getName());
    private static final Thread THREAD;

    static {
        THREAD = new Thread(new MaintenanceThread(), NAME);
        THREAD.setDaemon(true);
        THREAD.setContextClassLoader(MaintenanceThread.class.getClassLoader());   // never the first caller's (a web app's, a restart loader)
        THREAD.start();
    }

    private MaintenanceThread() {
    }

    /** Queues {@code store} (not queued already) and wakes the thread if it is parked for want of work. */
    static void submit(MaintenanceExecutor store) {
        MaintenanceExecutor head;
        do {
            head = WAITING.get();
            store.next = head;
        } while (!WAITING.compareAndSet(head, store));
        if (STATE.get() == PARKED && STATE.compareAndSet(PARKED, RUNNING)) {
            LockSupport.unpark(THREAD);
        }
    }

    @Override
    public void run() {
        while (true) {
            Thread.interrupted();   // an interrupt would make every park return at once: the thread would spin
            MaintenanceExecutor store = WAITING.getAndSet(null);
            if (store == null) {
                STATE.set(PARKED);
                if (WAITING.get() == null) {
                    LockSupport.park(this);   // until a submit (or spuriously: the loop looks again)
                }
                STATE.set(RUNNING);
                continue;
            }
            while (store != null) {
                MaintenanceExecutor next = store.next;
                store.next = null;
                runSafely(store);
                store = next;
            }
            LockSupport.parkNanos(this, PAUSE_NANOS);
        }
    }

    private static void runSafely(MaintenanceExecutor store) {
        try {
            store.runQueued();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "query-cache store maintenance failed", t);
        }
    }
}

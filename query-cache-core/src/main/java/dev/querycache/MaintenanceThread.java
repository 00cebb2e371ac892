package dev.querycache;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon thread ({@value #NAME}) that runs the stores' maintenance ({@link MaintenanceExecutor}). It
 * belongs to the open clients: the first client opened starts it ({@link #acquire}), the last one closed
 * stops it ({@link #release}), so a library that is no longer used owns no thread. It inherits no
 * thread-locals of the caller that started it and runs with the library's class loader, so it can never
 * keep an application's class loader (a redeployed web app, a devtools restart) alive.
 *
 * <p>Stores waiting for maintenance form a lock-free stack (each store at most once). The thread takes
 * the whole stack, runs each store's maintenance, then pauses for {@link #PAUSE_NANOS} before it looks
 * again, so a burst of requests costs the requesters no wake-up: only a request that finds the thread
 * parked for want of work unparks it. With no requests the thread parks until the next one, so an idle
 * application costs nothing. A maintenance task that throws is reported and does not stop the thread;
 * an interrupt is cleared and ignored. With no client open (no thread), a request runs the maintenance on
 * the caller. The stores are served one after another; should writes ever outpace the thread, Caffeine
 * makes the writers whose buffer is full do the maintenance themselves, so nothing grows without bound.
 *
 * <p>Thread-safe: {@link #submit} is lock-free; {@link #acquire} and {@link #release} (client open and close)
 * take one lock.
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
    private static final System.Logger LOG = System.getLogger(MaintenanceThread.class.getName());
    private static final Object LIFECYCLE = new Object();
    /** Open clients; guarded by LIFECYCLE. */
    private static int users;
    /** The running thread's worker, null while no client is open. */
    private static volatile MaintenanceThread current;
    /** The thread the last release stopped, until the next acquire has waited for its end; guarded by LIFECYCLE. */
    private static Thread stopped;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Thread thread;
    private volatile boolean stopping;

    private MaintenanceThread() {
        this.thread = newThread(this);
    }

    /**
     * The thread {@code work} runs on: a daemon that inherits no thread-locals of the caller (the
     * {@code false}) and has the library's class loader as its context class loader.
     */
    static Thread newThread(Runnable work) {
        Thread t = new Thread(null, work, NAME, 0, false);
        t.setDaemon(true);
        t.setContextClassLoader(MaintenanceThread.class.getClassLoader());
        return t;
    }

    /** Clients open now (tests). */
    static int openClients() {
        synchronized (LIFECYCLE) {
            return users;
        }
    }

    /** A client opened: the first one starts the thread. */
    static void acquire() {
        synchronized (LIFECYCLE) {
            if (users++ == 0) {
                Thread last = stopped;
                if (last != null) {   // one thread at a time: let the last one finish its final round first
                    try {
                        last.join(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stopped = null;
                }
                MaintenanceThread m = new MaintenanceThread();
                current = m;
                m.thread.start();
            }
        }
    }

    /** A client closed: the last one stops the thread (it runs what is queued, then ends). */
    static void release() {
        synchronized (LIFECYCLE) {
            if (users > 0 && --users == 0) {
                MaintenanceThread m = current;
                current = null;
                stopped = m.thread;
                m.stopping = true;
                LockSupport.unpark(m.thread);
            }
        }
    }

    /** Queues {@code store} (not queued already) and wakes the thread if it is parked for want of work. */
    static void submit(MaintenanceExecutor store) {
        MaintenanceExecutor head;
        do {
            head = WAITING.get();
            store.next = head;
        } while (!WAITING.compareAndSet(head, store));
        MaintenanceThread m = current;
        if (m == null) {
            runWaiting();   // no client open: nobody else will
        } else if (m.state.get() == PARKED && m.state.compareAndSet(PARKED, RUNNING)) {
            LockSupport.unpark(m.thread);
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            Thread.interrupted();   // an interrupt would make every park return at once: the thread would spin
            if (!runWaiting()) {
                state.set(PARKED);
                if (WAITING.get() == null && !stopping) {
                    LockSupport.park(this);   // until a submit or release (or spuriously: the loop looks again)
                }
                state.set(RUNNING);
                continue;
            }
            LockSupport.parkNanos(this, PAUSE_NANOS);
        }
        runWaiting();   // what was queued before the last client closed
    }

    /** Runs every store waiting now; false when none was. */
    private static boolean runWaiting() {
        MaintenanceExecutor store = WAITING.getAndSet(null);
        if (store == null) {
            return false;
        }
        while (store != null) {
            MaintenanceExecutor next = store.next;
            store.next = null;
            runSafely(store);
            store = next;
        }
        return true;
    }

    private static void runSafely(MaintenanceExecutor store) {
        try {
            store.runQueued();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "query-cache store maintenance failed", t);
        }
    }

    /** The thread while a client is open (tests). */
    static Thread currentThread() {
        MaintenanceThread m = current;
        return m == null ? null : m.thread;
    }
}

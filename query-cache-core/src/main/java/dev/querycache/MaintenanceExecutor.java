package dev.querycache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * Runs one store's Caffeine maintenance (draining its read and write buffers, size eviction), then
 * {@code afterwards} (announcing the evictions) once Caffeine's eviction lock is released, on
 * {@link MaintenanceThread}, the one thread every store of the JVM shares.
 *
 * <p>Why not Caffeine's default (the common pool): Caffeine asks for maintenance each time a read
 * buffer fills, every 16 reads on a busy key set. On the common pool each request wakes a parked worker,
 * and the reader that asks pays that wake (a system call) on the hit path: measured, it made a hit cost
 * up to three times a raw Caffeine lookup (BENCHMARKS.md §7). Here a request only marks the store and, while the maintenance
 * thread is busy, costs no system call at all; the thread coalesces the requests of a burst
 * ({@link MaintenanceThread#PAUSE_NANOS}). Reads that find the buffer full meanwhile are dropped, as
 * Caffeine drops them under contention: its eviction policy works from a sample of the reads.
 *
 * <p>Thread-safe. {@link #execute} allocates nothing and never blocks; Caffeine submits one task per
 * store, and never again while it has not run.
 */
final class MaintenanceExecutor implements Executor {

    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(MaintenanceExecutor.class, "queued", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable afterwards;
    /** Caffeine's maintenance task (the same object every time). */
    private volatile Runnable task;
    /** Set while this store waits in the thread's queue; an executor is queued at most once. */
    @SuppressWarnings("unused")
    private volatile boolean queued;
    /** The next store in the thread's queue; written before the push publishes this one. */
    MaintenanceExecutor next;

    MaintenanceExecutor(Runnable afterwards) {
        this.afterwards = afterwards;
    }

    @Override
    public void execute(Runnable task) {
        this.task = task;
        if (QUEUED.compareAndSet(this, false, true)) {
            MaintenanceThread.submit(this);
        }
    }

    /**
     * After every write to the store: makes sure a maintenance run starts after it. Caffeine asks for
     * maintenance after a write too, but when the write lands while a run holds its eviction lock it only
     * marks the work as required, and on an executor other than the common pool it leaves that work to the
     * next activity: with no further activity, entries over {@code maximumSize} would stay until then
     * (seen: 4 of 48 evictions waited for more than 30 s). Does nothing before Caffeine's first request.
     */
    void afterWrite() {
        if (task != null && QUEUED.compareAndSet(this, false, true)) {
            MaintenanceThread.submit(this);
        }
    }

    /** Runs the maintenance task, then the announcement; called on the maintenance thread only. */
    void runQueued() {
        queued = false;   // a request made while this runs queues the store again
        try {
            task.run();
        } finally {
            afterwards.run();
        }
    }
}

package dev.querycache;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs one store's Caffeine maintenance (buffer draining, size eviction) where Caffeine's default would,
 * on the common pool, then runs {@code afterwards} (announcing the evictions) once the maintenance task
 * has returned and Caffeine's eviction lock is released. Caffeine submits the same task object every
 * time, so its wrapper is made once: submitting allocates nothing. Thread-safe.
 */
final class MaintenanceExecutor implements Executor {

    private record Wrapped(Runnable task, Runnable wrapper) {
    }

    private final Executor delegate;
    private final Runnable afterwards;
    private volatile Wrapped last;

    MaintenanceExecutor(Runnable afterwards) {
        this.delegate = ForkJoinPool.commonPool();
        this.afterwards = afterwards;
    }

    @Override
    public void execute(Runnable task) {
        Wrapped w = last;
        if (w == null || w.task() != task) {
            w = new Wrapped(task, () -> {
                try {
                    task.run();
                } finally {
                    afterwards.run();
                }
            });
            last = w;
        }
        delegate.execute(w.wrapper());
    }
}

package dev.querycache;

import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The keepUnusedDataFor timer of one entry, as TanStack's {@code Removable}: armed when the entry becomes
 * unused, cancelled when it is pinned again (a subscriber or a fetch), exact on the client's scheduler
 * (which is also its clock, so tests step it virtually), and spent for good once the entry is removed.
 * Whoever fires the removal re-checks, under the store's compute, that the entry is still unused.
 * Thread-safe (guarded by this object's monitor).
 */
abstract class Removable {

    /** Marks a removed entry in {@link #removal}: one field for both, since a removed entry has no timer. */
    private static final Disposable GONE = () -> { };

    /** null, the armed timer, or {@link #GONE}. */
    private Disposable removal;

    /** Runs {@code removal} after {@code delayNanos}, replacing a timer already armed; nothing once removed. */
    final synchronized void scheduleRemoval(Scheduler scheduler, long delayNanos, Runnable task) {
        if (removal == GONE) {
            return;
        }
        cancelRemoval();
        removal = scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Disarms the timer, if armed. */
    final synchronized void cancelRemoval() {
        Disposable t = removal;
        if (t != null && t != GONE) {
            removal = null;
            t.dispose();
        }
    }

    /** The entry is gone: disarms the timer for good. */
    final synchronized void markGone() {
        cancelRemoval();
        removal = GONE;
    }

    final synchronized boolean isGone() {
        return removal == GONE;
    }
}

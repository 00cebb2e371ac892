package dev.querycache;

import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The keepUnusedDataFor timer of one entry, as TanStack's {@code Removable}: armed when the entry becomes
 * unused, cancelled when it is pinned again (a subscriber or a fetch), exact on the client's scheduler
 * (which is also its clock, so tests step it virtually). Whoever fires the removal re-checks, under the
 * store's compute, that the entry is still unused. Thread-safe (guarded by this object's monitor).
 */
abstract class Removable {

    private Disposable removalTimer;

    /** Runs {@code removal} after {@code delayNanos}, replacing a timer already armed. */
    final synchronized void scheduleRemoval(Scheduler scheduler, long delayNanos, Runnable removal) {
        cancelRemoval();
        removalTimer = scheduler.schedule(removal, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Disarms the timer, if armed. */
    final synchronized void cancelRemoval() {
        Disposable t = removalTimer;
        if (t != null) {
            removalTimer = null;
            t.dispose();
        }
    }
}

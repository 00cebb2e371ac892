package dev.querycache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The polling of one entry, as RTK's {@code polling.ts}: the entry polls at the smallest interval of its
 * polling subscribers, the next poll {@code interval} after the previous fetch settled, never while a
 * fetch runs, and not at all once the last polling subscriber left or the entry is gone. Kept by
 * {@link PollingPolicy}, made for an entry's first polling subscriber only (most entries never poll). Not
 * thread-safe: guarded by its entry's monitor.
 */
final class Poller {

    private final List<Duration> intervals = new ArrayList<>(1);
    private Disposable timer;
    private Duration every;

    void add(Duration interval) {
        intervals.add(interval);
    }

    void remove(Duration interval) {
        intervals.remove(interval);
    }

    boolean isPolling() {
        return !intervals.isEmpty();
    }

    /**
     * Starts, keeps or stops the timer after a change.
     *
     * @param restart a fetch just settled: always start a fresh timer
     * @param fetching a fetch runs: no timer until it settles
     * @param poll what the timer runs
     */
    void reschedule(boolean restart, boolean fetching, Scheduler scheduler, Runnable poll) {
        Duration min = null;
        for (Duration d : intervals) {
            if (min == null || d.compareTo(min) < 0) {
                min = d;
            }
        }
        if (min == null || fetching) {
            stop();
            every = min;
            return;
        }
        if (!restart && timer != null && min.equals(every)) {
            return;
        }
        stop();
        every = min;
        timer = scheduler.schedule(poll, min.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The timer fired: it is spent. */
    void fired() {
        timer = null;
    }

    /** Stops polling for good (the entry is gone) or until the next reschedule. */
    void stop() {
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
    }

    void clear() {
        stop();
        intervals.clear();
    }
}

package dev.querycache.spring.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;

/**
 * One kind of warning, logged at most once per interval: a flood of bad input (garbage on a Redis channel)
 * costs one log line a minute, which says how many were not logged since the last one. Thread-safe, lock-free.
 */
final class RateLimitedWarning {

    private final Log log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowed = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final LongAdder suppressed = new LongAdder();

    RateLimitedWarning(Log log, long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /** Logs {@code message} unless one was logged within the interval; the message is built only when logged. */
    void warn(Supplier<String> message) {
        long now = nanoClock.getAsLong();
        long next = nextAllowed.get();
        boolean first = started.compareAndSet(0, 1);
        if ((first || now - next >= 0) && (first || nextAllowed.compareAndSet(next, now + intervalNanos))) {
            if (first) {
                nextAllowed.set(now + intervalNanos);
            }
            long more = suppressed.sumThenReset();
            log.warn(message.get() + (more > 0 ? " (and " + more + " more since the last such warning)" : "")
                    + "; further ones are logged at most once every " + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s");
        } else {
            suppressed.increment();
        }
    }
}

package dev.querycache.spring.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis is up for one user of it (the bus, the shared level): the one up/down state machine both
 * keep. No connection, or an error that concerns the whole server (NOAUTH, OOM, CLUSTERDOWN, ...), takes
 * it down at once; a command that got no answer in time only as the {@code slowLimit}-th in a row (a slow
 * Redis costs the same as a down one; one slow command does not); an error reply to one command
 * (WRONGTYPE on one key, say) only when {@code commandErrorsTakeItDown}. Every failure is counted.
 * Thread-safe; the transitions are atomic, so exactly one caller sees each one (and logs it).
 */
final class RedisAvailability {

    private final int slowLimit;
    private final boolean commandErrorsTakeItDown;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger slowInARow = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param slowLimit commands without an answer in a row that count as down (1: any)
     * @param commandErrorsTakeItDown whether an error reply to one command counts as down
     */
    RedisAvailability(int slowLimit, boolean commandErrorsTakeItDown) {
        this.slowLimit = slowLimit;
        this.commandErrorsTakeItDown = commandErrorsTakeItDown;
    }

    boolean isDown() {
        return down.get();
    }

    /** Failures counted so far ({@code query.cache.cluster.failures}). */
    long failures() {
        return failures.get();
    }

    /** A command was answered: the run of slow ones ends. */
    void answered() {
        if (slowInARow.get() != 0) {
            slowInARow.set(0);
        }
    }

    /** Counts a failure; true when it took Redis down (the first failure of an outage). */
    boolean failed(Throwable e) {
        failures.incrementAndGet();
        if (RedisErrors.isTimeout(e)) {
            if (slowInARow.incrementAndGet() < slowLimit) {
                return false;
            }
        } else if (!commandErrorsTakeItDown && !RedisErrors.isUnreachable(e) && !RedisErrors.isServerWide(e)) {
            return false;
        }
        return down.compareAndSet(false, true);
    }

    /**
     * Counts a failure that takes Redis down whatever it was (a command that must not be lost, such as an
     * invalidation, got no answer); true when it took Redis down.
     */
    boolean failedForSure() {
        failures.incrementAndGet();
        return down.compareAndSet(false, true);
    }

    /** Redis answers again; true when it was down (the end of an outage). */
    boolean recovered() {
        slowInARow.set(0);
        return down.compareAndSet(true, false);
    }
}

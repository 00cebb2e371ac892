package dev.querycache.bench;

import java.util.concurrent.TimeUnit;

/** Open-loop pacing for the load programs: message {@code i} of a run at {@code rate}/s is due at a fixed time. */
final class Pacing {

    private Pacing() {
    }

    /** Sleeps until message {@code i} of a run that began at {@code startNanos} is due at {@code rate} per second. */
    static void awaitTurn(long startNanos, int i, int rate) throws InterruptedException {
        long wait = startNanos + TimeUnit.SECONDS.toNanos(1) * i / rate - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}

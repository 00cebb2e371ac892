package dev.querycache;

import java.time.Duration;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A virtual-time scheduler for a client, plus a helper that steps it and runs cache maintenance. */
final class VirtualClock {

    final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

    void advance(Duration d) {
        scheduler.advanceTimeBy(d);
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** Steps the clock, then lets the cache remove what has expired by now. */
    void advanceAndCleanUp(QueryClient client, Duration d) {
        advance(d);
        ((DefaultQueryClient) client).cleanUp();
    }
}

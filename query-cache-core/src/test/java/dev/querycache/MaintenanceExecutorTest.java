package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The store's maintenance executor reuses one pool task per Caffeine task: it must run every time it is
 * submitted (a pool task that counted as completed would never run again, and the store's maintenance
 * would stop), also after the task or the announcement threw.
 */
class MaintenanceExecutorTest {

    @Test
    void theSameTaskRunsEveryTimeItIsSubmittedFollowedByTheAnnouncement() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger announced = new AtomicInteger();
        Semaphore done = new Semaphore(0);
        MaintenanceExecutor executor = new MaintenanceExecutor(() -> {
            int n = announced.incrementAndGet();
            done.release();
            if (n % 3 == 0) {
                throw new IllegalStateException("an event subscriber failed");
            }
        });
        Runnable task = () -> {
            if (runs.incrementAndGet() % 5 == 0) {
                throw new IllegalStateException("maintenance failed");
            }
        };
        for (int i = 0; i < 200; i++) {
            executor.execute(task);
            assertThat(done.tryAcquire(30, TimeUnit.SECONDS)).as("run %d", i).isTrue();   // one at a time, as Caffeine submits
        }
        assertThat(runs).hasValue(200);
        assertThat(announced).hasValue(200);
    }
}

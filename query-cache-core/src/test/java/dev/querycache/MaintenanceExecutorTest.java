package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The stores' maintenance runs on the one shared {@link MaintenanceThread}: every request is served (also
 * one made while the maintenance runs, and also after a task or its announcement threw), each store's
 * task is followed by its announcement, and a store's size evictions are still counted and announced.
 */
class MaintenanceExecutorTest {

    /** Stands in for an open client: the thread runs while one is open (MaintenanceThreadLifecycleTest). */
    @BeforeEach
    void openAClient() {
        MaintenanceThread.acquire();
    }

    @AfterEach
    void closeIt() {
        MaintenanceThread.release();
    }


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

    @Test
    void maintenanceRunsOnTheSharedMaintenanceThreadNotOnTheCaller() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(2);
        MaintenanceExecutor a = new MaintenanceExecutor(done::countDown);
        MaintenanceExecutor b = new MaintenanceExecutor(done::countDown);
        a.execute(() -> threads.add(Thread.currentThread().getName()));
        b.execute(() -> threads.add(Thread.currentThread().getName()));
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).containsExactly(MaintenanceThread.NAME);
    }

    @Test
    void aRequestMadeWhileTheMaintenanceRunsIsServedAfterIt() throws Exception {
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Semaphore announced = new Semaphore(0);
        MaintenanceExecutor executor = new MaintenanceExecutor(announced::release);
        Runnable task = () -> {
            if (runs.incrementAndGet() == 1) {
                firstRunStarted.countDown();
                await(releaseFirstRun);
            }
        };
        executor.execute(task);
        assertThat(firstRunStarted.await(30, TimeUnit.SECONDS)).isTrue();
        executor.execute(task);   // Caffeine asks again while its last request runs
        releaseFirstRun.countDown();
        assertThat(announced.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
        assertThat(runs).hasValue(2);
    }

    /**
     * Many stores asking from many threads, with pauses that let the thread park between requests and
     * bursts that find it busy: no request is lost (a lost wake-up would leave a store's maintenance
     * undone and this test waiting).
     */
    @Test
    void requestsFromManyThreadsAreNeverLostWhetherTheThreadIsParkedOrBusy() throws Exception {
        int stores = 8;
        int rounds = 300;
        List<Thread> askers = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int s = 0; s < stores; s++) {
            Semaphore served = new Semaphore(0);
            MaintenanceExecutor executor = new MaintenanceExecutor(served::release);
            Runnable task = () -> { };
            Thread asker = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    executor.execute(task);
                    try {
                        if (!served.tryAcquire(30, TimeUnit.SECONDS)) {
                            failures.incrementAndGet();
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000, 2_000_000));
                    }
                }
            });
            askers.add(asker);
            asker.start();
        }
        for (Thread t : askers) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(failures).hasValue(0);
    }

    /**
     * An interrupt of the maintenance thread (whoever sends it) neither stops it nor stays set: a set flag
     * would make every park return at once, and the thread would spin. After the interrupt, one request is
     * served (the marker that the thread went round its loop); the next request's task sees no interrupt.
     */
    @Test
    void anInterruptOfTheMaintenanceThreadIsClearedAndTheThreadKeepsServing() throws Exception {
        Semaphore served = new Semaphore(0);
        MaintenanceExecutor executor = new MaintenanceExecutor(served::release);
        executor.execute(() -> { });   // the thread exists from here on
        assertThat(served.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        Thread maintenance = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(MaintenanceThread.NAME)).findFirst().orElseThrow();
        maintenance.interrupt();
        executor.execute(() -> { });
        assertThat(served.tryAcquire(30, TimeUnit.SECONDS)).as("served after the interrupt").isTrue();
        java.util.concurrent.atomic.AtomicBoolean interruptedWhileRunning = new java.util.concurrent.atomic.AtomicBoolean(true);
        executor.execute(() -> interruptedWhileRunning.set(Thread.currentThread().isInterrupted()));
        assertThat(served.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptedWhileRunning).as("the interrupt flag while the next task ran").isFalse();
    }

    /** Store × maintenance: size evictions made by the maintenance thread (no cleanUp call) are counted and announced. */
    @Test
    void evictionsMadeByTheMaintenanceThreadAreCountedAndAnnounced() throws Exception {
        List<QueryCacheEvent> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (QueryClient client = QueryClient.builder().maximumSize(2)
                .endpoint("items", (Integer k) -> Mono.just("v" + k),
                        EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            reactor.core.Disposable events = client.events()
                    .filter(e -> e.type() == QueryCacheEvent.Type.REMOVED)
                    .subscribe(removed::add);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Endpoint<Integer, String> items = (Endpoint) client.endpoint("items");
            for (int k = 0; k < 50; k++) {
                items.query(k).block();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.stats().evictionCount() < 48 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(client.stats().evictionCount()).isEqualTo(48);
            while (removed.size() < 48 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(removed).hasSize(48);
            assertThat(removed).extracting(e -> e.state().arg()).doesNotHaveDuplicates();
            assertThat(client.entries()).hasSize(2);
            events.dispose();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

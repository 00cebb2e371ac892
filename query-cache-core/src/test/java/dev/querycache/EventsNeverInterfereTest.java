package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Publishing an event never changes the cache's state or a caller's outcome, whatever the listener does. */
class EventsNeverInterfereTest {

    @Test
    void aListenerThatSleepsPerEventFailsNoConcurrentColdQuery() {
        try (QueryClient client = QueryClient.builder()
                .endpoint("items", (String a) -> Mono.<Object>just(a + "!").delayElement(Duration.ofMillis(5)), EndpointOptions.none())
                .build()) {
            Disposable slow = client.events().subscribe(e -> sleep(1_500));
            Endpoint<Object, Object> items = client.endpoint("items");
            List<Object> answers = Flux.range(0, 4)
                    .flatMap(i -> items.query("k" + i).subscribeOn(Schedulers.parallel()))
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(answers).containsExactlyInAnyOrder("k0!", "k1!", "k2!", "k3!");
            assertThat(client.entries()).noneMatch(QueryState::isFetching);
            client.awaitRunningQueries().block(Duration.ofSeconds(30));
            slow.dispose();
        }
    }

    @Test
    void aSizeEvictionIsAnnouncedWithNoLockHeldSoAListenerMayWriteToTheCache() throws Exception {
        VirtualClock clock = new VirtualClock();
        Set<Thread> listenerThreads = ConcurrentHashMap.newKeySet();
        List<Object> removed = new CopyOnWriteArrayList<>();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).maximumSize(2)
                .endpoint("items", (String a) -> Mono.<Object>just(a), EndpointOptions.builder()
                        .keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            Disposable d = client.events().filter(e -> e.type() == QueryCacheEvent.Type.REMOVED).subscribe(e -> {
                listenerThreads.add(Thread.currentThread());
                // another thread writes and runs the store's maintenance (which takes Caffeine's eviction
                // lock) while this listener waits for it: a deadlock if the event was sent under that lock
                CompletableFuture.runAsync(() -> {
                    items.setData("from-listener-" + e.arg(), "x");
                    ((DefaultQueryClient) client).cleanUp();
                }).orTimeout(20, TimeUnit.SECONDS).join();
                removed.add(e.arg());
            });
            for (int i = 0; i < 6; i++) {
                items.query("k" + i).block(Duration.ofSeconds(30));
                ((DefaultQueryClient) client).cleanUp();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !removed.isEmpty());
            assertThat(listenerThreads).doesNotContain(Thread.currentThread());
            assertThat(client.stats().evictionCount()).isPositive();
            d.dispose();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

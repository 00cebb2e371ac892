package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Eight threads do random operations on a few hundred keys against a fetcher that sometimes fails and
 * sometimes is slow; afterwards the cache must be consistent and drain to empty. Run bare and with
 * {@code events()} listeners and {@code watch} fluxes attached (a fast one and one far too slow), which
 * must change nothing: no call hangs, no entry stays fetching, every subscriber count is back to 0, the
 * cache drains and every key answers.
 */
class ConcurrencyStressTest {

    private static final int THREADS = 8;
    private static final int KEYS = 300;
    private static final long RUN_MILLIS = 3_000;

    private final Set<String> produced = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();

    private final QueryFetcher<Integer, String> fetcher = new QueryFetcher<>() {
        @Override
        public Mono<String> fetch(Integer arg) {
            return Mono.defer(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                if (r.nextInt(10) == 0) {
                    return Mono.error(new IllegalStateException("upstream failed for " + arg));
                }
                String value = arg + ":fetch:" + sequence.incrementAndGet();
                produced.add(value);
                Mono<String> m = Mono.just(value);
                return r.nextInt(4) == 0 ? m.delayElement(Duration.ofMillis(r.nextInt(1, 20))) : m;
            });
        }

        @Override
        public Set<Tag> providesTags(Integer arg, String result) {
            return Set.of(Tag.of("Item", arg % 10));
        }
    };

    @org.junit.jupiter.params.ParameterizedTest(name = "listeners attached: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void randomOperationsFromEightThreadsLeaveAConsistentCacheThatDrains(boolean listeners) throws Exception {
        QueryClient client = QueryClient.builder()
                .maximumSize(200)
                .endpoint("items", fetcher, EndpointOptions.builder()
                        .keepUnusedDataFor(Duration.ofMillis(300))
                        .staleTime(Duration.ofMillis(50))
                        .retries(1).retryBackoff(Duration.ofMillis(1))
                        .fetchTimeout(Duration.ofSeconds(5)).build())
                .build();
        Endpoint<Integer, String> items = cast(client.endpoint("items"));
        java.util.concurrent.atomic.AtomicLong fastSeen = new java.util.concurrent.atomic.AtomicLong();
        List<reactor.core.Disposable> attached = new ArrayList<>();
        if (listeners) {
            attached.add(client.events().subscribe(e -> fastSeen.incrementAndGet()));
            attached.add(client.events().subscribe(e -> sleep(50)));   // far slower than the traffic: drops
            for (int k = 0; k < 5; k++) {
                attached.add(items.watch(k).subscribe(s -> sleep(5)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
        List<Future<Long>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> work(items, client, deadline)));
        }
        long ops = 0;
        for (Future<Long> w : workers) {
            ops += w.get(RUN_MILLIS + 30_000, TimeUnit.MILLISECONDS);
        }
        pool.shutdown();
        assertThat(ops).isGreaterThan(1_000);

        waitUntil(() -> client.entries().stream().noneMatch(QueryState::isFetching), "every fetch settled");
        client.awaitRunningQueries().block(Duration.ofSeconds(30));

        attached.forEach(reactor.core.Disposable::dispose);
        if (listeners) {
            assertThat(fastSeen.get()).isPositive();
            assertThat(client.stats().droppedEventCount()).as("the slow listener's overflow is counted").isPositive();
        }
        assertThat(client.inspector().subscriptionCount()).isZero();
        for (QueryState<?> s : client.entries()) {
            assertThat(s.subscriberCount()).isZero();
            assertThat(s.isFetching()).isFalse();
            if (s.data() != null) {
                assertThat(produced).contains((String) s.data());
            }
        }
        waitUntil(() -> client.inspector().size() == 0, "the cache drained after keepUnusedDataFor");
        for (int k = 0; k < KEYS; k++) {
            int key = k;
            String answer = Mono.defer(() -> items.query(key)).retry(10).block(Duration.ofSeconds(30));
            assertThat(answer).as("key %d answers", key).startsWith(key + ":");
        }
        client.close();
    }

    private long work(Endpoint<Integer, String> items, QueryClient client, long deadline) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<QuerySubscription<String>> held = new ArrayList<>();
        long ops = 0;
        while (System.nanoTime() < deadline) {
            int key = r.nextInt(KEYS);
            switch (r.nextInt(8)) {
                case 0, 1 -> items.query(key).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
                case 2 -> held.add(items.subscribe(key, r.nextBoolean() ? SubscribeOptions.none()
                        : SubscribeOptions.pollingInterval(Duration.ofMillis(r.nextInt(5, 50)))));
                case 3 -> {
                    if (!held.isEmpty()) {
                        held.remove(r.nextInt(held.size())).unsubscribe();
                    }
                }
                case 4 -> items.prefetch(key, r.nextBoolean() ? PrefetchOptions.force() : PrefetchOptions.ifAbsent());
                case 5 -> client.invalidateTags(Tag.of("Item", key % 10));
                case 6 -> {
                    String value = key + ":set:" + sequence.incrementAndGet();
                    produced.add(value);
                    items.setData(key, value);
                }
                default -> items.invalidate(key);
            }
            ops++;
        }
        held.forEach(QuerySubscription::unsubscribe);
        return ops;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @SuppressWarnings("unchecked")
    private static <A, R> Endpoint<A, R> cast(Endpoint<?, ?> e) {
        return (Endpoint<A, R>) e;
    }
}

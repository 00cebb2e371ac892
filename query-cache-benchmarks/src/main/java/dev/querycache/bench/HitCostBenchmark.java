package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryCacheStats;
import dev.querycache.QueryClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * What does a cache hit cost? 10 000 warm keys, a random key per op, every peer in the same run, each
 * consumed by {@code .block()} and by a non-blocking subscriber ({@link Taker}). Run with {@code -t 1}
 * and {@code -t 2}. The tear-down fails the run if any measured op was not a hit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HitCostBenchmark {

    static final int KEYS = Integer.getInteger("hit.keys", 10_000);   // -jvmArgsAppend -Dhit.keys=N to vary the working set

    @State(Scope.Benchmark)
    public static class Peers {
        QueryClient client;
        Endpoint<Integer, String> queryCache;
        Cache<Integer, String> caffeine;
        /** Raw Caffeine built as query-cache builds its store: a weigher and maximumWeight instead of maximumSize. */
        Cache<Integer, String> caffeineWeighed;
        AsyncCache<Integer, String> asyncCaffeine;
        SpringPeers spring;
        final LongAdder misses = new LongAdder();
        private QueryCacheStats statsAfterWarmup;
        private long springLoadsAfterWarmup;

        @Setup(Level.Trial)
        public void setUp() {
            // the same bound as the Caffeine peers: room for twice the keys
            client = QueryClient.builder().maximumSize(IsolatedHitCostBenchmark.BOUND)
                    .endpoint("items", (Integer k) -> Mono.just(Values.of(k)),
                            EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            queryCache = cast(client.endpoint("items"));
            caffeine = Caffeine.newBuilder().maximumSize(IsolatedHitCostBenchmark.BOUND).build();
            caffeineWeighed = Caffeine.newBuilder().maximumWeight(IsolatedHitCostBenchmark.BOUND)
                    .weigher((Integer k, String v) -> v.isEmpty() ? 0 : 1).build();
            asyncCaffeine = Caffeine.newBuilder().maximumSize(IsolatedHitCostBenchmark.BOUND).buildAsync();
            spring = new SpringPeers();
            for (int i = 0; i < KEYS; i++) {
                Integer k = Values.key(i);
                queryCache.query(k).block();
                caffeine.put(k, Values.of(k));
                caffeineWeighed.put(k, Values.of(k));
                asyncCaffeine.put(k, CompletableFuture.completedFuture(Values.of(k)));
                spring.service.mono(k).block();
                spring.service.monoSync(k).block();
                spring.service.plain(k);
            }
            statsAfterWarmup = client.stats();
            springLoadsAfterWarmup = spring.service.loads();
        }

        @TearDown(Level.Trial)
        public void checkEveryOpWasAHit() {
            QueryCacheStats now = client.stats();
            long qcMisses = now.missCount() - statsAfterWarmup.missCount() + now.dedupCount() - statsAfterWarmup.dedupCount();
            long springMisses = spring.service.loads() - springLoadsAfterWarmup;
            client.close();
            spring.close();
            if (qcMisses != 0 || springMisses != 0 || misses.sum() != 0) {
                throw new IllegalStateException("not every measured op was a hit: query-cache misses " + qcMisses
                        + ", Spring loads " + springMisses + ", other misses " + misses.sum());
            }
        }

        @SuppressWarnings("unchecked")
        private static <A, R> Endpoint<A, R> cast(Endpoint<?, ?> e) {
            return (Endpoint<A, R>) e;
        }
    }

    @State(Scope.Thread)
    public static class Caller {
        final Taker taker = new Taker();
        final Integer[] order = new Integer[1 << 16];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < order.length; i++) {
                order[i] = Values.key(r.nextInt(KEYS));
            }
        }

        Integer next() {
            return order[cursor++ & (order.length - 1)];
        }

        Object take(Peers peers) {
            Object v = taker.take();
            if (v == null) {
                peers.misses.increment();
            }
            return v;
        }
    }

    private static CompletableFuture<String> load(Integer k, java.util.concurrent.Executor e) {
        return CompletableFuture.completedFuture(Values.of(k));
    }

    // ------------------------------------------------------------------ .block()

    @Benchmark
    public String queryCacheBlock(Peers p, Caller c) {
        return p.queryCache.query(c.next()).block();
    }

    @Benchmark
    public String caffeineGetIfPresent(Peers p, Caller c) {
        String v = p.caffeine.getIfPresent(c.next());
        if (v == null) {
            p.misses.increment();
        }
        return v;
    }

    @Benchmark
    public String caffeineWeighedGetIfPresent(Peers p, Caller c) {
        String v = p.caffeineWeighed.getIfPresent(c.next());
        if (v == null) {
            p.misses.increment();
        }
        return v;
    }

    @Benchmark
    public String caffeineAsyncBlock(Peers p, Caller c) {
        return Mono.fromFuture(p.asyncCaffeine.get(c.next(), HitCostBenchmark::load)).block();
    }

    @Benchmark
    public String springMonoBlock(Peers p, Caller c) {
        return p.spring.service.mono(c.next()).block();
    }

    @Benchmark
    public String springMonoSyncBlock(Peers p, Caller c) {
        return p.spring.service.monoSync(c.next()).block();
    }

    @Benchmark
    public String springPlain(Peers p, Caller c) {
        return p.spring.service.plain(c.next());
    }

    // ------------------------------------------------------------------ non-blocking subscriber

    @Benchmark
    public Object queryCacheSubscribe(Peers p, Caller c) {
        p.queryCache.query(c.next()).subscribe(c.taker);
        return c.take(p);
    }

    @Benchmark
    public Object caffeineAsyncSubscribe(Peers p, Caller c) {
        Mono.fromFuture(p.asyncCaffeine.get(c.next(), HitCostBenchmark::load)).subscribe(c.taker);
        return c.take(p);
    }

    @Benchmark
    public Object springMonoSubscribe(Peers p, Caller c) {
        p.spring.service.mono(c.next()).subscribe(c.taker);
        return c.take(p);
    }

    @Benchmark
    public Object springMonoSyncSubscribe(Peers p, Caller c) {
        p.spring.service.monoSync(c.next()).subscribe(c.taker);
        return c.take(p);
    }
}

package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.util.concurrent.TimeUnit;
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
 * A hit of a {@code SHARED} endpoint against raw Caffeine's {@code getIfPresent}, each peer in forks of its
 * own that set up only that peer (unlike {@link HitCostBenchmark}, whose forks build every peer, so the JIT
 * profile of Caffeine's code has seen every cache). Same keys (10 000 warm, random order), same bound
 * (twice the keys) for both.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class IsolatedHitCostBenchmark {

    static final int KEYS = HitCostBenchmark.KEYS;   // and HitCostBenchmark.Caller's random order over them

    /**
     * Every peer's bound: a little under twice the keys. Caffeine sizes its frequency sketch only when an
     * insert finds the cache at half its bound or more. query-cache inserts an entry while its fetch runs
     * (weight 0), so at exactly twice the keys its last insert found the cache one entry short of half and
     * its sketch stayed off, while the raw peers' sketch was on: the hit then skipped the sketch's work and
     * measured faster than raw Caffeine. Just under twice the keys, every peer's sketch is on.
     */
    static final long BOUND = KEYS * 2L - 4;

    @State(Scope.Benchmark)
    public static class QueryCachePeer {
        QueryClient client;
        Endpoint<Integer, String> items;

        @Setup(Level.Trial)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void setUp() {
            client = QueryClient.builder().maximumSize(BOUND)
                    .endpoint("items", (Integer k) -> Mono.just(Values.of(k)),
                            EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            items = (Endpoint) client.endpoint("items");
            for (int i = 0; i < KEYS; i++) {
                items.query(Values.key(i)).block();
            }
        }

        @TearDown(Level.Trial)
        public void checkEveryOpWasAHit() {
            long fetches = client.stats().fetchCount();
            client.close();
            if (fetches != KEYS) {
                throw new IllegalStateException("not every measured op was a hit: " + (fetches - KEYS) + " fetches");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class CaffeinePeer {
        Cache<Integer, String> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = Caffeine.newBuilder().maximumSize(BOUND).build();
            for (int i = 0; i < KEYS; i++) {
                cache.put(Values.key(i), Values.of(Values.key(i)));
            }
        }
    }

    /**
     * Raw Caffeine with the options of query-cache's store (weigher, maximumWeight, eviction listener) and
     * an executor of its own on the common pool, as the store had until its maintenance moved to
     * query-cache's own maintenance thread (BENCHMARKS.md §7, 2026-11-30 later).
     */
    @State(Scope.Benchmark)
    public static class CaffeineAsStorePeer {
        Cache<Integer, String> cache;

        @Setup(Level.Trial)
        public void setUp() {
            java.util.concurrent.Executor pool = java.util.concurrent.ForkJoinPool.commonPool();
            cache = Caffeine.newBuilder()
                    .executor(task -> pool.execute(task))
                    .maximumWeight(BOUND)
                    .weigher((Integer k, String v) -> v.isEmpty() ? 0 : 1)
                    .evictionListener((Integer k, String v, com.github.benmanes.caffeine.cache.RemovalCause c) -> { })
                    .build();
            for (int i = 0; i < KEYS; i++) {
                cache.put(Values.key(i), Values.of(Values.key(i)));
            }
        }
    }

    @Benchmark
    public String caffeineAsStoreGetIfPresent(CaffeineAsStorePeer p, HitCostBenchmark.Caller o) {
        return hit(p.cache, o);
    }

    @Benchmark
    public String queryCacheBlock(QueryCachePeer p, HitCostBenchmark.Caller o) {
        return p.items.query(o.next()).block();
    }

    @Benchmark
    public String caffeineGetIfPresent(CaffeinePeer p, HitCostBenchmark.Caller o) {
        return hit(p.cache, o);
    }

    /** One lookup of the next key; a miss fails the run (every measured op must be a hit). */
    private static String hit(Cache<Integer, String> cache, HitCostBenchmark.Caller o) {
        String v = cache.getIfPresent(o.next());
        if (v == null) {
            throw new IllegalStateException("a miss");
        }
        return v;
    }
}

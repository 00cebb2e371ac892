package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/** Does a hit get dearer as the cache grows? 1 000 to 1 000 000 warm entries, random key, non-blocking consumer. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class HitCostBySizeBenchmark {

    @State(Scope.Benchmark)
    public static class Peers {
        @Param({"1000", "100000", "1000000"})
        int size;

        QueryClient client;
        Endpoint<Integer, String> queryCache;
        Cache<Integer, String> caffeine;
        long missesAfterWarmup;

        @Setup(Level.Trial)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void setUp() {
            client = QueryClient.builder().maximumSize(size * 2L)
                    .endpoint("items", (Integer k) -> Mono.just(Values.of(k)),
                            EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            queryCache = (Endpoint) client.endpoint("items");
            caffeine = Caffeine.newBuilder().maximumSize(size * 2L).build();
            for (int i = 0; i < size; i++) {
                Integer k = Values.key(i);
                queryCache.setData(k, Values.of(k));
                caffeine.put(k, Values.of(k));
            }
            missesAfterWarmup = client.stats().missCount();
        }

        @TearDown(Level.Trial)
        public void checkEveryOpWasAHit() {
            long misses = client.stats().missCount() - missesAfterWarmup;
            client.close();
            if (misses != 0) {
                throw new IllegalStateException("query-cache missed " + misses + " times");
            }
        }
    }

    @State(Scope.Thread)
    public static class Caller {
        final Taker taker = new Taker();
        Integer[] order;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(Peers peers) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            order = new Integer[1 << 16];
            for (int i = 0; i < order.length; i++) {
                order[i] = Values.key(r.nextInt(peers.size));
            }
        }

        Integer next() {
            return order[cursor++ & (order.length - 1)];
        }
    }

    @Benchmark
    public Object queryCacheSubscribe(Peers p, Caller c) {
        p.queryCache.query(c.next()).subscribe(c.taker);
        return c.taker.take();
    }

    @Benchmark
    public Object caffeineGetIfPresent(Peers p, Caller c) {
        return p.caffeine.getIfPresent(c.next());
    }
}

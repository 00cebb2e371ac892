package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * The one hit figure of BENCHMARKS §7: hits per microsecond on a <em>full</em> cache (10 000 String keys,
 * maximum size 10 000, so Caffeine's frequency sketch and read buffers are on), read in random order, for
 * query-cache ({@code query(k).block()} of a {@code SHARED} endpoint), raw Caffeine with its defaults
 * ({@code getIfPresent}, upkeep on the common pool), raw Caffeine with {@code executor(Runnable::run)} (upkeep
 * on the reader) and a floor, a {@code ConcurrentHashMap} read wrapped in {@code Mono.just(..).block()}. Each
 * peer in forks of its own (the JIT sees one cache). Run with {@code -t 1} and {@code -t 2}, and beside two
 * busy processes; {@link HitCpu} adds the CPU time of every thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HitTableBenchmark {

    static final int KEYS = 10_000;

    @Param({"query-cache", "caffeine", "caffeine-run", "map-floor"})
    public String peer;

    Peer cache;

    @Setup(Level.Trial)
    public void setUp() {
        cache = Peer.of(peer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
    }

    /** Each thread's own random order over the keys. */
    @State(Scope.Thread)
    public static class Order {
        final String[] keys = new String[1 << 16];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Peer.KEYS_IN_ORDER[r.nextInt(KEYS)];
            }
        }

        String next() {
            return keys[cursor++ & (keys.length - 1)];
        }
    }

    @Benchmark
    public Object hit(Order order) {
        return cache.get(order.next());
    }

    /** One peer: the same full cache behind four ways of reading it. */
    abstract static class Peer implements AutoCloseable {
        static final String[] KEYS_IN_ORDER = new String[KEYS];

        static {
            for (int i = 0; i < KEYS; i++) {
                KEYS_IN_ORDER[i] = "pokemon-" + i;
            }
        }

        abstract Object get(String key);

        @Override
        public void close() {
        }

        static Peer of(String name) {
            return switch (name) {
                case "query-cache" -> new QueryCachePeer();
                case "caffeine" -> new CaffeinePeer(Caffeine.newBuilder().maximumSize(KEYS).build());
                case "caffeine-run" -> new CaffeinePeer(Caffeine.newBuilder().executor(Runnable::run).maximumSize(KEYS).build());
                case "map-floor" -> new MapFloor();
                default -> throw new IllegalArgumentException(name);
            };
        }

        /**
         * Fills {@code put} with every key, then asserts that every key is there (a full cache, nothing evicted),
         * then collects the garbage of the fill. The last step makes the peers comparable: a filled cache's
         * objects then lie in the heap as a collector leaves them, whatever else the fill allocated between
         * two entries (query-cache's fetches allocate much, a {@code put} nothing), as in an application whose
         * cache filled up over many collections.
         */
        static void fill(java.util.function.Consumer<String> put, java.util.function.Predicate<String> present) {
            for (String k : KEYS_IN_ORDER) {
                put.accept(k);
            }
            for (String k : KEYS_IN_ORDER) {
                if (!present.test(k)) {
                    throw new IllegalStateException("the cache is not full: " + k + " is missing");
                }
            }
            System.gc();
            System.gc();
        }
    }

    static final class QueryCachePeer extends Peer {
        final QueryClient client;
        final Endpoint<String, String> items;

        @SuppressWarnings({"unchecked", "rawtypes"})
        QueryCachePeer() {
            client = QueryClient.builder().maximumSize(KEYS)
                    .endpoint("items", (String k) -> Mono.just(k.toUpperCase()),
                            EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            items = (Endpoint) client.endpoint("items");
            fill(k -> items.query(k).block(), k -> items.state(k).data() != null);
        }

        @Override
        Object get(String key) {
            return items.query(key).block();
        }

        @Override
        public void close() {
            long fetches = client.stats().fetchCount();
            client.close();
            if (fetches != KEYS) {
                throw new IllegalStateException("not every measured op was a hit: " + (fetches - KEYS) + " fetches");
            }
        }
    }

    static final class CaffeinePeer extends Peer {
        final Cache<String, String> cache;

        CaffeinePeer(Cache<String, String> cache) {
            this.cache = cache;
            fill(k -> cache.put(k, k.toUpperCase()), k -> cache.asMap().containsKey(k));
        }

        @Override
        Object get(String key) {
            String v = cache.getIfPresent(key);
            if (v == null) {
                throw new IllegalStateException("a miss");
            }
            return v;
        }
    }

    static final class MapFloor extends Peer {
        final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();

        MapFloor() {
            fill(k -> map.put(k, k.toUpperCase()), map::containsKey);
        }

        @Override
        Object get(String key) {
            return Mono.just(map.get(key)).block();
        }
    }
}

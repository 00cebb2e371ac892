package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * Does query-cache evict as well as Caffeine? A trace-driven simulation: the same request trace goes
 * through a raw Caffeine cache, a plain LRU ({@code LinkedHashMap} in access order) and a query-cache
 * endpoint, each bounded to the same size; every miss is one upstream call. The trace: Zipf(s) over
 * 100 000 keys, 1 000 000 requests, with a one-off scan of 100 000 cold keys in the middle (a crawler,
 * a batch job). The trace is deterministic (fixed seed); prints one markdown row per trace and size.
 *
 * <pre>java -cp query-cache-benchmarks/target/benchmarks.jar dev.querycache.bench.HitRatioBenchmark [requests [rounds]]</pre>
 *
 * <p>Both caches' maintenance runs asynchronously and drops reads it cannot keep up with, so one run of the
 * same trace differs from the next by up to ±3% for raw Caffeine itself; each row therefore runs each cache
 * {@code rounds} times (default 5), interleaved, and compares the means. At the full size (1 000 000
 * requests) it fails (exit 1) when query-cache's mean miss ratio is more than 2% (relative) above raw
 * Caffeine's; shorter traces (CI's smoke run) only print. Both caches run their
 * maintenance as Caffeine does by default (asynchronously), as a user's {@code @Cacheable} on Caffeine would.
 */
public final class HitRatioBenchmark {

    static final int KEYS = 100_000;
    static final int SCAN = 100_000;

    private HitRatioBenchmark() {
    }

    public static void main(String[] args) {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("%d requests per trace; raw Caffeine and query-cache each run %d times per row (mean, min-max):"
                + " their asynchronous maintenance makes each run a little different%n%n", requests, rounds);
        System.out.println("| trace | size | raw Caffeine miss % | plain LRU miss % | query-cache miss % | query-cache / Caffeine (means) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        boolean ok = true;
        for (double s : new double[] {0.9, 0.7}) {
            int[] trace = trace(s, requests, 42);
            for (int size : new int[] {1_000, 10_000}) {
                double[] caffeine = new double[rounds];
                double[] queryCache = new double[rounds];
                for (int r = 0; r < rounds; r++) {   // interleaved, so both see the same machine
                    caffeine[r] = caffeine(trace, size);
                    queryCache[r] = queryCache(trace, size);
                }
                double lru = lru(trace, size);
                double ratio = mean(queryCache) / mean(caffeine);
                ok &= ratio <= 1.02;
                System.out.printf("| Zipf %.1f + scan | %,d | %s | %.1f | %s | %.3f |%n", s, size, range(caffeine),
                        100 * lru, range(queryCache), ratio);
            }
        }
        if (!ok && requests >= 1_000_000) {
            System.out.println("query-cache misses more than 2% above raw Caffeine (means)");
            System.exit(1);
        }
    }

    private static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElseThrow();
    }

    private static String range(double[] xs) {
        return String.format("%.1f (%.1f-%.1f)", 100 * mean(xs), 100 * Arrays.stream(xs).min().orElseThrow(),
                100 * Arrays.stream(xs).max().orElseThrow());
    }

    /** Zipf(s) over KEYS keys (ranks shuffled onto key ids), with SCAN one-off keys in the middle. */
    static int[] trace(double s, int requests, long seed) {
        double[] cdf = new double[KEYS];
        double sum = 0;
        for (int i = 0; i < KEYS; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] keyOfRank = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keyOfRank[i] = i;
        }
        for (int i = KEYS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = keyOfRank[i];
            keyOfRank[i] = keyOfRank[j];
            keyOfRank[j] = t;
        }
        int scanFrom = requests / 2 - Math.min(SCAN, requests / 4) / 2;
        int scanLength = Math.min(SCAN, requests / 4);
        int[] trace = new int[requests];
        for (int i = 0; i < requests; i++) {
            if (i >= scanFrom && i < scanFrom + scanLength) {
                trace[i] = KEYS + (i - scanFrom);   // cold, never seen again
            } else {
                int rank = Arrays.binarySearch(cdf, random.nextDouble() * sum);
                trace[i] = keyOfRank[rank < 0 ? Math.min(-rank - 1, KEYS - 1) : rank];
            }
        }
        return trace;
    }

    static double caffeine(int[] trace, int size) {
        Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(size).build();
        long misses = 0;
        for (int k : trace) {
            if (cache.getIfPresent(k) == null) {
                misses++;
                cache.put(k, Values.of(k));
            }
        }
        return (double) misses / trace.length;
    }

    static double lru(int[] trace, int size) {
        Map<Integer, String> lru = new LinkedHashMap<>(size * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, String> eldest) {
                return size() > size;
            }
        };
        long misses = 0;
        for (int k : trace) {
            if (lru.get(k) == null) {
                misses++;
                lru.put(k, Values.of(k));
            }
        }
        return (double) misses / trace.length;
    }

    static double queryCache(int[] trace, int size) {
        LongAdder upstreamCalls = new LongAdder();
        try (QueryClient client = QueryClient.builder().maximumSize(size)
                .endpoint("items", (Integer k) -> {
                    upstreamCalls.increment();
                    return Mono.just(Values.of(k));
                }, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Endpoint<Integer, String> items = (Endpoint) client.endpoint("items");
            for (int k : trace) {
                items.query(k).block();
            }
        }
        return (double) upstreamCalls.sum() / trace.length;
    }
}

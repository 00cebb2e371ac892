package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;
import reactor.core.publisher.Mono;

/**
 * What does a cached entry cost in heap beyond its key and value? Measures, with JOL, the object graph
 * of a query-cache client and of a plain Caffeine cache holding N entries, minus the same structure
 * empty, minus the keys and values themselves, divided by N.
 *
 * <pre>java -cp query-cache-benchmarks/target/benchmarks.jar dev.querycache.bench.RetainedHeap [N]</pre>
 */
public final class RetainedHeap {

    private RetainedHeap() {
    }

    public static void main(String[] args) {
        // records hide their field offsets from Unsafe; JOL can still find them this way
        System.setProperty("jol.magicFieldOffset", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Object> keysAndValues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keysAndValues.add(Values.key(i));
            keysAndValues.add(Values.of(Values.key(i)));
        }
        long payload = GraphLayout.parseInstance(keysAndValues.toArray()).totalSize()
                - GraphLayout.parseInstance((Object) new Object[keysAndValues.size()]).totalSize();

        double queryCache = perEntry(n, payload, () -> {
            QueryClient client = QueryClient.builder().maximumSize(n * 2L)
                    .endpoint("items", (Integer k) -> Mono.just(Values.of(k)),
                            EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            return client;
        }, (Object o, Integer k) -> queryCacheEndpoint((QueryClient) o).setData(k, Values.of(k)));

        double caffeine = perEntry(n, payload, () -> Caffeine.newBuilder().maximumSize(n * 2L).build(),
                (Object o, Integer k) -> castCache(o).put(k, Values.of(k)));

        System.out.printf("entries: %d%n", n);
        System.out.printf("query-cache overhead per entry: %.1f bytes%n", queryCache);
        System.out.printf("Caffeine    overhead per entry: %.1f bytes%n", caffeine);
        System.out.printf("query-cache minus Caffeine:     %.1f bytes%n", queryCache - caffeine);
    }

    private interface Put {
        void put(Object cache, Integer key);
    }

    private static double perEntry(int n, long payload, java.util.function.Supplier<Object> make, Put put) {
        Object cache = make.get();
        put.put(cache, Values.key(n + 1));   // let lazily made structures exist in both measurements
        long empty = GraphLayout.parseInstance(cache).totalSize();
        for (int i = 0; i < n; i++) {
            put.put(cache, Values.key(i));
        }
        long full = GraphLayout.parseInstance(cache).totalSize();
        if (cache instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // measurement done
            }
        }
        return (double) (full - empty - payload) / n;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Endpoint<Integer, String> queryCacheEndpoint(QueryClient client) {
        return (Endpoint) client.endpoint("items");
    }

    @SuppressWarnings("unchecked")
    private static Cache<Integer, String> castCache(Object o) {
        return (Cache<Integer, String>) o;
    }
}

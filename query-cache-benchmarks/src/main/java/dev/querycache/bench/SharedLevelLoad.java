package dev.querycache.bench;

import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.cluster.RedisSharedLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * One cache per cluster under load: three instances (each its own Redis connection, shared level and
 * client) ask the same {@code keys} cold keys at once; a fourth, started afterwards, asks them again.
 * Reports upstream calls per key (goal 1.00; without the shared level 3.00), the fourth instance's
 * upstream calls (goal 0) and the latency of its queries, each a local miss served from Redis.
 * Targets only 127.0.0.1.
 *
 * <pre>java -cp benchmarks.jar dev.querycache.bench.SharedLevelLoad &lt;redis-port | cluster:host:port,...&gt; [keys]</pre>
 */
public final class SharedLevelLoad {

    private static final AtomicInteger UPSTREAM = new AtomicInteger();

    private SharedLevelLoad() {
    }

    public static void main(String[] args) {
        String port = args[0];   // a port, or cluster:host:port,... (redis-topology.sh)
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            all.add(i);
        }
        List<Instance> alone = List.of(new Instance(port, false), new Instance(port, false), new Instance(port, false));
        long t0 = System.nanoTime();
        Flux.fromIterable(alone)
                .flatMap(in -> Flux.fromIterable(all).flatMap(k -> in.items.query(k), 256))
                .blockLast(Duration.ofMinutes(5));
        System.out.printf("without the shared level: %d upstream calls = %.2f per key (%.0f ms)%n",
                UPSTREAM.get(), (double) UPSTREAM.get() / keys, (System.nanoTime() - t0) / 1e6);
        alone.forEach(Instance::close);
        UPSTREAM.set(0);

        List<Instance> three = List.of(new Instance(port), new Instance(port), new Instance(port));
        long start = System.nanoTime();
        Flux.fromIterable(three)
                .flatMap(in -> Flux.fromIterable(all).flatMap(k -> in.items.query(k), 256))
                .blockLast(Duration.ofMinutes(5));
        long took = System.nanoTime() - start;
        int cold = UPSTREAM.get();
        System.out.printf("3 instances, %d cold keys asked on each at once: %d upstream calls = %.2f per key (%.0f ms)%n",
                keys, cold, (double) cold / keys, took / 1e6);

        Instance fourth = new Instance(port);
        long[] latency = sharedHits(fourth, all);   // also warms the JIT for the measured run below
        System.out.printf("a 4th instance started later: %d upstream calls for the %d warm keys%n",
                UPSTREAM.get() - cold, keys);
        Instance fifth = new Instance(port);
        latency = sharedHits(fifth, all);
        System.out.printf("shared hit (local miss, Redis hit) on a 5th instance, one at a time: p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms%n",
                latency[keys / 2] / 1e6, latency[Math.min(keys - 1, (int) (keys * 0.99))] / 1e6, latency[keys - 1] / 1e6);
        fifth.close();
        int failures = UPSTREAM.get() - cold;
        for (Instance in : three) {
            in.close();
        }
        fourth.close();
        if (cold != keys || failures != 0) {
            System.exit(1);
        }
    }

    /** Asks every key once, one at a time: the latency of each shared hit, sorted. */
    private static long[] sharedHits(Instance in, List<Integer> keys) {
        long[] latency = new long[keys.size()];
        for (int i = 0; i < latency.length; i++) {
            long t = System.nanoTime();
            in.items.query(keys.get(i)).block(Duration.ofSeconds(30));
            latency[i] = System.nanoTime() - t;
        }
        Arrays.sort(latency);
        return latency;
    }

    /** One "instance": its own Redis connection, shared level and client. */
    private static final class Instance implements AutoCloseable {
        final LettuceConnectionFactory factory;
        final QueryClient client;
        final RedisSharedLevel level;
        final Endpoint<Integer, String> items;

        Instance(String port) {
            this(port, true);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        Instance(String port, boolean shared) {
            factory = RedisTargets.factory(port);
            LateClient self = new LateClient();
            level = new RedisSharedLevel(factory, new JsonMapper(), self, "query-cache:load-shared:",
                    1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(1), Set.of());
            level.start();
            QueryFetcher<Integer, String> fetcher = i -> Mono.delay(Duration.ofMillis(20))
                    .map(t -> {
                        UPSTREAM.incrementAndGet();
                        return "value-" + i;
                    });
            QueryClient.Builder builder = QueryClient.builder().maximumSize(10_000_000);
            if (shared) {
                builder.sharedLevel(level);
            }
            client = builder
                    .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            self.set(client);
            items = (Endpoint) client.endpoint("items");
        }

        @Override
        public void close() {
            client.close();
            level.stop();
            factory.destroy();
        }
    }
}

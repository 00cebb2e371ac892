package dev.querycache.bench;

import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import dev.querycache.spring.cluster.RedisSharedLevel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the shared level keeps in Redis over time: {@code keys} distinct keys, {@code rate} new keys a second,
 * each copy living 1 s after its last read ({@code keepUnusedDataFor} 1 s), each entry tagged
 * {@code Item#<key>}, and one tag invalidation every ten keys (so the invalidation record gains a field
 * each time, up to its bound). The local cache holds at most 10 000 entries. Prints progress every ten
 * seconds; redis-memory.sh samples Redis's {@code used_memory} beside it. Targets only 127.0.0.1.
 *
 * <pre>java -cp benchmarks.jar dev.querycache.bench.RedisMemoryLoad &lt;redis-port | cluster:host:port,...&gt; [keys] [rate]</pre>
 */
public final class RedisMemoryLoad {

    private RedisMemoryLoad() {
    }

    /** Values of about 200 bytes, tagged by key. */
    static final class Items implements QueryFetcher<Long, String> {
        @Override
        public Mono<String> fetch(Long key) {
            return Mono.just("item-" + key + "-" + "x".repeat(190));
        }

        @Override
        public Set<Tag> providesTags(Long key, String result) {
            return Set.of(Tag.of("Item", key));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        String target = args[0];
        long keys = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        LettuceConnectionFactory factory = RedisTargets.factory(target);
        LateClient self = new LateClient();
        RedisSharedLevel level = new RedisSharedLevel(factory, new JsonMapper(), self, "query-cache:memory-load:",
                1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(1), Set.of());
        level.start();
        QueryClient client = QueryClient.builder().maximumSize(10_000).sharedLevel(level)
                .endpoint("items", new Items(), EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(1)).build())
                .build();
        self.set(client);
        Endpoint<Long, String> items = (Endpoint) client.endpoint("items");
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long nextReport = start + 10_000_000_000L;
        for (long second = 0; second * rate < keys; second++) {
            long from = second * rate;
            long to = Math.min(keys, from + rate);
            Flux.range(0, (int) (to - from))
                    .flatMap(i -> {
                        long k = from + i;
                        if (k % 10 == 9) {
                            client.invalidateTags(Tag.of("Item", k - 5));
                        }
                        return items.query(k).doOnNext(v -> done.incrementAndGet());
                    }, 64)
                    .blockLast(Duration.ofMinutes(1));
            long wake = start + (second + 1) * 1_000_000_000L;
            long now = System.nanoTime();
            if (wake > now) {
                Thread.sleep((wake - now) / 1_000_000);
            }
            if (System.nanoTime() >= nextReport) {
                System.out.printf("%.0f s: %d keys asked%n", (System.nanoTime() - start) / 1e9, done.get());
                nextReport += 10_000_000_000L;
            }
        }
        System.out.printf("done: %d keys in %.0f s%n", done.get(), (System.nanoTime() - start) / 1e9);
        client.close();
        level.stop();
        factory.destroy();
    }
}

package dev.querycache.bench;

import dev.querycache.EndpointOptions;
import dev.querycache.QueryCacheEvent;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import dev.querycache.spring.cluster.RedisInvalidationBus;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bounded load check of cross-instance invalidation: instance A invalidates {@code rate} tags per
 * second for {@code seconds} seconds over Redis; instance B holds one entry per tag and reports, for each,
 * the delay from A's publish to B's removal, and whether any was missed. A warm-up at the same rate (env
 * {@code WARMUP} seconds, default 3) runs first, unmeasured. Targets only 127.0.0.1.
 *
 * <pre>java -cp benchmarks.jar dev.querycache.bench.ClusterInvalidationLoad &lt;redis-port&gt; [rate] [seconds]</pre>
 */
public final class ClusterInvalidationLoad {

    private ClusterInvalidationLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int total = rate * seconds;

        AtomicLongArray appliedInBus = new AtomicLongArray(rate * seconds);
        AtomicInteger appliedInBusCount = new AtomicInteger();
        // NO_EVENTS=1: no listener of B's events (an application without devtools): only the receiver's moment
        boolean events = System.getenv("NO_EVENTS") == null;
        Instance a = new Instance(port, null);
        // B's bus receiver returns once the client applied the invalidation (the entry is gone): that moment is
        // the invalidation's latency; the event a listener sees comes one worker hop later
        Instance b = new Instance(port, i -> {
            long now = System.nanoTime();
            for (Tag t : i.tags()) {
                if (t.type().equals("Item") && t.id() instanceof Number n && n.intValue() < appliedInBus.length()) {
                    if (appliedInBus.compareAndSet(n.intValue(), 0, now)) {
                        appliedInBusCount.incrementAndGet();
                    }
                }
            }
        });
        // warm-up: WARMUP seconds (default 3, 0 for none) of invalidations at the same rate, of entries B holds
        // beyond the measured ones, so that the JIT has compiled the publish, receive and removal paths
        int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));
        for (int i = 0; i < total + warmup * rate; i++) {
            b.client.endpoint("items").setData(i, "value-" + i);
        }
        AtomicLongArray sentAt = new AtomicLongArray(total);
        AtomicLongArray appliedAt = new AtomicLongArray(total);
        AtomicInteger applied = new AtomicInteger();
        Disposable watch = !events ? () -> { } : b.client.events().filter(e -> e.type() == QueryCacheEvent.Type.REMOVED).subscribe(e -> {
            int i = (Integer) e.arg();
            if (i < total && appliedAt.compareAndSet(i, 0, System.nanoTime())) {
                applied.incrementAndGet();
            }
        });
        // a bare Lettuce pub/sub subscriber on the same channel: when Redis delivered each message, with no
        // query-cache code on the way (the transport's own share of the delay)
        AtomicLongArray rawAt = new AtomicLongArray(total);
        java.util.regex.Pattern itemId = java.util.regex.Pattern.compile("\\{\"type\":\"Item\",\"id\":(\\d+)\\}");
        io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port);
        io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> rawConnection = raw.connectPubSub();
        rawConnection.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                long now = System.nanoTime();
                java.util.regex.Matcher m = itemId.matcher(message);
                if (m.find()) {
                    int i = Integer.parseInt(m.group(1));
                    if (i < total) {
                        rawAt.compareAndSet(i, 0, now);
                    }
                }
            }
        });
        rawConnection.sync().subscribe("query-cache:load");
        Thread.sleep(1000);   // both listeners subscribed

        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup * rate; i++) {
            long wait = warmStart + TimeUnit.SECONDS.toNanos(1) * i / rate - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            a.client.invalidateTags(Tag.of("Item", total + i));
        }
        Thread.sleep(1000);

        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + TimeUnit.SECONDS.toNanos(1) * i / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            sentAt.set(i, System.nanoTime());
            a.client.invalidateTags(Tag.of("Item", i));
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while ((events ? applied.get() : appliedInBusCount.get()) < total && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        watch.dispose();

        if (System.getenv("BUCKETS") != null) {   // the worst delay of each second: applied on B, and the bare subscriber's
            for (int sec = 0; sec < seconds; sec++) {
                long worst = 0;
                long worstRaw = 0;
                for (int i = sec * rate; i < (sec + 1) * rate; i++) {
                    if (appliedInBus.get(i) != 0) {
                        worst = Math.max(worst, appliedInBus.get(i) - sentAt.get(i));
                    }
                    if (rawAt.get(i) != 0) {
                        worstRaw = Math.max(worstRaw, rawAt.get(i) - sentAt.get(i));
                    }
                }
                System.out.printf("second %d: worst applied %.2f ms, worst bare subscriber %.2f ms%n", sec, worst / 1e6, worstRaw / 1e6);
            }
        }
        long[] delays = sortedDelays(appliedAt, sentAt, total);
        int n = delays.length;
        int early = 0;
        while (early < n && delays[early] < 0) {
            early++;
        }
        if (early > 0) {
            System.out.printf("%d entries were removed before their invalidation was sent (a repair of a lost message)%n", early);
        }
        int appliedCount = events ? n : appliedInBusCount.get();
        System.out.printf("sent %d invalidations at %d/s for %d s (after %d s of warm-up); applied on B: %d; missed: %d%s%n",
                total, rate, seconds, warmup, appliedCount, total - appliedCount, events ? "" : " (no events listener)");
        report("publish-to-delivered delay (a bare Lettuce subscriber got the message)", sortedDelays(rawAt, sentAt, total));
        rawConnection.close();
        raw.shutdown();
        report("publish-to-applied delay (B's receiver returned)", sortedDelays(appliedInBus, sentAt, total));
        report("publish-to-event delay (a listener of B's events saw REMOVED)", delays);
        a.close();
        b.close();
        if (appliedCount != total) {
            System.exit(1);
        }
    }

    /** The delays from {@code sentAt} to {@code at} of every invalidation {@code at} holds a time for, sorted. */
    private static long[] sortedDelays(AtomicLongArray at, AtomicLongArray sentAt, int total) {
        long[] out = new long[total];
        int n = 0;
        for (int i = 0; i < total; i++) {
            if (at.get(i) != 0) {
                out[n++] = at.get(i) - sentAt.get(i);
            }
        }
        long[] d = Arrays.copyOf(out, n);
        Arrays.sort(d);
        return d;
    }

    /** Prints p50, p99 and max of sorted {@code delays} (nothing when empty). */
    private static void report(String label, long[] delays) {
        int n = delays.length;
        if (n > 0) {
            System.out.printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    label, delays[n / 2] / 1e6, delays[Math.min(n - 1, (int) (n * 0.99))] / 1e6, delays[n - 1] / 1e6);
        }
    }

    /** One "instance": its own Redis connection, bus and client. */
    private static final class Instance implements AutoCloseable {
        final LettuceConnectionFactory factory;
        final QueryClient client;
        final RedisInvalidationBus bus;

        Instance(int port, java.util.function.Consumer<dev.querycache.spi.Invalidation> afterApplied) {
            factory = new LettuceConnectionFactory("127.0.0.1", port);
            factory.afterPropertiesSet();
            factory.start();
            LateClient self = new LateClient();
            bus = new RedisInvalidationBus(factory, new JsonMapper(), self, "query-cache:load",
                    "query-cache:load-versions", Duration.ofSeconds(5));
            QueryFetcher<Integer, String> fetcher = new QueryFetcher<>() {
                @Override
                public Mono<String> fetch(Integer i) {
                    return Mono.just("value-" + i);
                }

                @Override
                public Set<Tag> providesTags(Integer i, String v) {
                    return Set.of(Tag.of("Item", i));
                }
            };
            dev.querycache.spi.InvalidationBus used = afterApplied == null ? bus : new dev.querycache.spi.InvalidationBus() {
                @Override
                public void publish(dev.querycache.spi.Invalidation invalidation) {
                    bus.publish(invalidation);
                }

                @Override
                public void start(String instanceId, java.util.function.Consumer<dev.querycache.spi.Invalidation> receiver) {
                    bus.start(instanceId, i -> {
                        receiver.accept(i);
                        afterApplied.accept(i);
                    });
                }

                @Override
                public boolean isConnected() {
                    return bus.isConnected();
                }

                @Override
                public void stop() {
                    bus.stop();
                }
            };
            client = QueryClient.builder().invalidationBus(used).maximumSize(10_000_000)
                    .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                    .build();
            self.set(client);
        }

        @Override
        public void close() {
            client.close();
            factory.destroy();
        }
    }
}

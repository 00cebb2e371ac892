package dev.querycache.bench;

import dev.querycache.EndpointOptions;
import dev.querycache.QueryCacheEvent;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import dev.querycache.spring.cluster.RedisInvalidationBus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * the delay from A's publish to B's removal (B's bus receiver returned), and whether any was missed. A
 * warm-up at the same rate (env {@code WARMUP} seconds, default 3) runs first, unmeasured. Targets only
 * 127.0.0.1.
 *
 * <p>By default nothing else listens, as on a production instance. Two instruments can be added, each a
 * thread that wakes at every message beside B's and so lengthens B's delays on two cores: env {@code BARE=1},
 * a bare Lettuce subscriber on the same channel (the transport's own share), and env {@code EVENTS=1}, a
 * listener of B's {@code REMOVED} events (one worker hop after the removal). Env {@code BUCKETS=1} prints the
 * worst delay of each second; env {@code DELAYS_OUT=file} appends every publish-to-applied delay (ns, one a
 * line) to {@code file}, for statistics over several runs.
 *
 * <p>By default A and B share one JVM. With env {@code SEPARATE=1}, B (with its instruments) runs in a
 * JVM of its own, as instances do in production; both processes read the same monotonic clock
 * ({@code System.nanoTime} is {@code CLOCK_MONOTONIC} on Linux), so the delays compare across them.
 *
 * <pre>java -cp benchmarks.jar dev.querycache.bench.ClusterInvalidationLoad &lt;redis-port | cluster:host:port,...&gt; [rate] [seconds]</pre>
 */
public final class ClusterInvalidationLoad {

    private static final String RECEIVER = "--receiver";

    private ClusterInvalidationLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals(RECEIVER)) {
            receiverProcess(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), java.nio.file.Path.of(args[5]));
            return;
        }
        String port = args[0];   // a port, or cluster:host:port,... (redis-topology.sh)
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int total = rate * seconds;
        // warm-up: WARMUP seconds (default 3, 0 for none) of invalidations at the same rate, of entries B holds
        // beyond the measured ones, so that the JIT has compiled the publish, receive and removal paths
        int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));
        boolean separate = System.getenv("SEPARATE") != null;

        Instance a = new Instance(port, null);
        Receiver receiver = null;
        Process child = null;
        java.nio.file.Path results = null;
        if (separate) {
            results = java.nio.file.Files.createTempFile("query-cache-cluster-load", ".txt");
            child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ClusterInvalidationLoad.class.getName(), RECEIVER,
                    port, Integer.toString(rate), Integer.toString(seconds), Integer.toString(warmup),
                    results.toString())
                    .redirectErrorStream(true).start();
            awaitReady(child);
        } else {
            receiver = new Receiver(port, total, warmup * rate);
        }
        System.out.println(separate ? "B runs in its own JVM (SEPARATE)" : "A and B share one JVM");

        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup * rate; i++) {
            Pacing.awaitTurn(warmStart, i, rate);
            a.client.invalidateTags(Tag.of("Item", total + i));
        }
        Thread.sleep(1000);

        AtomicLongArray sentAt = new AtomicLongArray(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Pacing.awaitTurn(start, i, rate);
            sentAt.set(i, System.nanoTime());
            a.client.invalidateTags(Tag.of("Item", i));
        }
        Times b;
        if (separate) {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IllegalStateException("the receiver JVM did not finish within 60 s");
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("the receiver JVM failed (exit " + child.exitValue() + "): see its lines above");
            }
            b = Times.read(results, total);
            java.nio.file.Files.deleteIfExists(results);
        } else {
            receiver.awaitAll(TimeUnit.SECONDS.toNanos(15));
            b = receiver.times;
        }

        if (System.getenv("BUCKETS") != null) {
            printWorstPerSecond(b, sentAt, rate, seconds);
        }
        long[] delays = sortedDelays(b.appliedAt, sentAt, total);
        long[] appliedDelays = sortedDelays(b.appliedInBus, sentAt, total);
        int early = 0;
        while (early < appliedDelays.length && appliedDelays[early] < 0) {
            early++;
        }
        if (early > 0) {
            System.out.printf("%d entries were removed before their invalidation was sent (a repair of a lost message)%n", early);
        }
        String delaysOut = System.getenv("DELAYS_OUT");
        if (delaysOut != null) {
            appendDelays(java.nio.file.Path.of(delaysOut), appliedDelays);
        }
        int appliedCount = b.events ? delays.length : appliedDelays.length;
        System.out.printf("sent %d invalidations at %d/s for %d s (after %d s of warm-up); applied on B: %d; missed: %d%s%n",
                total, rate, seconds, warmup, appliedCount, total - appliedCount, b.events ? "" : " (no events listener)");
        report("publish-to-delivered delay (a bare Lettuce subscriber got the message)", sortedDelays(b.rawAt, sentAt, total));
        report("publish-to-applied delay (B's receiver returned)", appliedDelays);
        report("publish-to-event delay (a listener of B's events saw REMOVED)", delays);
        if (receiver != null) {
            receiver.close();
        }
        a.close();
        if (appliedCount != total) {
            System.exit(1);
        }
    }

    /** The worst delay of each second: applied on B, and the bare subscriber's when there is one. */
    private static void printWorstPerSecond(Times b, AtomicLongArray sentAt, int rate, int seconds) {
        boolean bare = System.getenv("BARE") != null;
        for (int sec = 0; sec < seconds; sec++) {
            long worst = 0;
            long worstRaw = 0;
            for (int i = sec * rate; i < (sec + 1) * rate; i++) {
                if (b.appliedInBus.get(i) != 0) {
                    worst = Math.max(worst, b.appliedInBus.get(i) - sentAt.get(i));
                }
                if (b.rawAt.get(i) != 0) {
                    worstRaw = Math.max(worstRaw, b.rawAt.get(i) - sentAt.get(i));
                }
            }
            System.out.printf("second %d: worst applied %.2f ms%s%n", sec, worst / 1e6,
                    bare ? String.format(", worst bare subscriber %.2f ms", worstRaw / 1e6) : "");
        }
    }

    /** Appends {@code delays} (ns, one a line) to {@code file}, which cluster-load.sh pools over its runs. */
    private static void appendDelays(java.nio.file.Path file, long[] delays) throws java.io.IOException {
        StringBuilder lines = new StringBuilder();
        for (long d : delays) {
            lines.append(d).append('\n');
        }
        java.nio.file.Files.writeString(file, lines, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Waits for the receiver JVM's "ready" line; what it prints before and after is passed on, marked "B: ". */
    private static void awaitReady(Process child) throws java.io.IOException, InterruptedException {
        java.io.BufferedReader out = child.inputReader();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (!line.equals("ready")) {
                System.out.println("B: " + line);
            } else {
                Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("B: " + l)), "receiver-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        String exit = child.waitFor(10, TimeUnit.SECONDS) ? "exit " + child.exitValue() : "its output closed";
        throw new IllegalStateException("the receiver JVM ended before it was ready (" + exit + ")");
    }

    /** B in a JVM of its own: subscribes, says "ready", waits for every invalidation, writes the times. */
    private static void receiverProcess(String port, int rate, int seconds, int warmup, java.nio.file.Path out) throws Exception {
        int total = rate * seconds;
        Receiver b = new Receiver(port, total, warmup * rate);
        System.out.println("ready");
        System.out.flush();
        // the sender's warm-up, its pause and the run itself, then up to 15 s for stragglers
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup + 1));
        b.awaitAll(TimeUnit.SECONDS.toNanos(seconds + 15));
        b.times.write(out);
        b.close();
        System.exit(0);
    }

    /**
     * Instance B and, when asked for, its events listener and a bare Lettuce subscriber on the same channel:
     * when each invalidation was applied by B's bus receiver, seen as {@code REMOVED} by the listener, and
     * delivered to the subscriber with no query-cache code on the way (the transport's own share).
     */
    private static final class Receiver implements AutoCloseable {
        final Times times;
        final AtomicInteger appliedInBusCount = new AtomicInteger();
        final AtomicInteger applied = new AtomicInteger();
        private final Instance instance;
        private final Disposable watch;
        /** The bare subscriber's client (its shutdown closes the connection), or null without one. */
        private final io.lettuce.core.RedisClient raw;

        Receiver(String port, int total, int extra) throws InterruptedException {
            // EVENTS=1: a listener of B's events too (an application with devtools or the web budget); it wakes a
            // worker at every removal, which competes with B's receiving thread for the two cores
            times = new Times(total, System.getenv("EVENTS") != null);
            AtomicLongArray appliedInBus = times.appliedInBus;
            AtomicLongArray appliedAt = times.appliedAt;
            AtomicLongArray rawAt = times.rawAt;
            // B's bus receiver returns once the client applied the invalidation (the entry is gone): that moment
            // is the invalidation's latency; the event a listener sees comes one worker hop later
            instance = new Instance(port, i -> {
                long now = System.nanoTime();
                for (Tag t : i.tags()) {
                    if (t.type().equals("Item") && t.id() instanceof Number n && n.intValue() < appliedInBus.length()) {
                        if (appliedInBus.compareAndSet(n.intValue(), 0, now)) {
                            appliedInBusCount.incrementAndGet();
                        }
                    }
                }
            });
            for (int i = 0; i < total + extra; i++) {
                instance.client.endpoint("items").setData(i, "value-" + i);
            }
            watch = !times.events ? () -> { } : instance.client.events().filter(e -> e.type() == QueryCacheEvent.Type.REMOVED).subscribe(e -> {
                int i = (Integer) e.arg();
                if (i < total && appliedAt.compareAndSet(i, 0, System.nanoTime())) {
                    applied.incrementAndGet();
                }
            });
            // BARE=1: a bare Lettuce subscriber too, the transport's own share; it wakes with B at every message
            // and competes with it for the CPU, so B's delays are longer while it measures
            raw = System.getenv("BARE") == null ? null : bareSubscriber(port, rawAt);
            Thread.sleep(1000);   // B's bus (and the bare subscriber) subscribed
        }

        /** Subscribes a Lettuce client with no query-cache code to the channel; records when each message came. */
        private static io.lettuce.core.RedisClient bareSubscriber(String port, AtomicLongArray rawAt) {
            java.util.regex.Pattern itemId = java.util.regex.Pattern.compile("\\{\"type\":\"Item\",\"id\":(\\d+)\\}");
            // on a cluster, any node: a message published on one reaches the subscribers of every node
            String node = port.startsWith("cluster:") ? port.substring("cluster:".length()).split(",")[0] : "127.0.0.1:" + port;
            io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create("redis://" + node);
            io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
            connection.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    long now = System.nanoTime();
                    java.util.regex.Matcher m = itemId.matcher(message);
                    if (m.find()) {
                        int i = Integer.parseInt(m.group(1));
                        if (i < rawAt.length()) {
                            rawAt.compareAndSet(i, 0, now);
                        }
                    }
                }
            });
            connection.sync().subscribe("query-cache:load");
            return client;
        }

        /** Waits until every invalidation was applied, or {@code nanos} passed. */
        void awaitAll(long nanos) throws InterruptedException {
            long end = System.nanoTime() + nanos;
            int total = times.appliedInBus.length();
            while ((times.events ? applied.get() : appliedInBusCount.get()) < total && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            watch.dispose();
            if (raw != null) {
                raw.shutdown();
            }
            instance.close();
        }
    }

    /**
     * When B's receiver applied each invalidation, when a listener saw its {@code REMOVED} event and when the
     * bare subscriber got it (0 for never), by invalidation number; whether B had an events listener.
     */
    private record Times(AtomicLongArray appliedInBus, AtomicLongArray appliedAt, AtomicLongArray rawAt, boolean events) {

        Times(int total, boolean events) {
            this(new AtomicLongArray(total), new AtomicLongArray(total), new AtomicLongArray(total), events);
        }

        /** One line per invalidation: applied, event and bare-subscriber times. */
        void write(java.nio.file.Path out) throws java.io.IOException {
            StringBuilder text = new StringBuilder(events ? "events\n" : "no-events\n");
            for (int i = 0; i < appliedInBus.length(); i++) {
                text.append(appliedInBus.get(i)).append(' ').append(appliedAt.get(i)).append(' ').append(rawAt.get(i)).append('\n');
            }
            java.nio.file.Files.writeString(out, text);
        }

        /** What {@link #write} wrote, for reporting in the sender's JVM. */
        static Times read(java.nio.file.Path in, int total) throws java.io.IOException {
            List<String> lines = java.nio.file.Files.readAllLines(in);
            if (lines.size() != total + 1) {
                throw new IllegalStateException("the receiver JVM wrote " + lines.size() + " lines, expected " + (total + 1));
            }
            Times t = new Times(total, lines.get(0).equals("events"));
            for (int i = 0; i < total; i++) {
                String[] at = lines.get(i + 1).split(" ");
                t.appliedInBus.set(i, Long.parseLong(at[0]));
                t.appliedAt.set(i, Long.parseLong(at[1]));
                t.rawAt.set(i, Long.parseLong(at[2]));
            }
            return t;
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

        Instance(String port, java.util.function.Consumer<dev.querycache.spi.Invalidation> afterApplied) {
            factory = RedisTargets.factory(port);
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

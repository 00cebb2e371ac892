package dev.querycache.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CPU time per hit, every thread counted: the readers' own and the upkeep threads' (query-cache's maintenance
 * thread, the common pool's workers for Caffeine's defaults), from {@link ThreadMXBean}, for each peer of
 * {@link HitTableBenchmark} on the same full cache; and the whole process's CPU time over the same rounds
 * (every thread: the garbage collector's and the JIT's too, which {@link ThreadMXBean} cannot see).
 *
 * <p>As JMH does: each peer is built and filled once, read for {@value #WARMUP_ROUNDS} warm-up rounds, then
 * for {@value #MEASURED_ROUNDS} measured rounds on the same cache; each figure is the median of the measured
 * rounds, with the lowest and highest beside it (and, last, the first warm-up round's CPU per hit: what the
 * reads cost while the JIT still compiles them, right after the fill). Each peer runs in a JVM of its own, as
 * JMH forks, so that the JIT compiles one cache's reads, as in an application. Each reader reads its own random order of the keys (65 536
 * draws, made before the round), as {@link HitTableBenchmark} does. Usage:
 * {@code HitCpu [threads] [millions of hits per thread and round] [peer: only this one, in this JVM]}.
 */
public final class HitCpu {

    static final int WARMUP_ROUNDS = 3;
    static final int MEASURED_ROUNDS = 5;

    private HitCpu() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long perThread = (args.length > 1 ? Long.parseLong(args[1]) : 10) * 1_000_000L;
        if (args.length > 2) {
            measure(args[2], threads, perThread);
            return;
        }
        System.out.printf("threads=%d, hits per thread and round=%,d, %d warm-up and %d measured rounds per peer,"
                + " each peer in a JVM of its own; median [lowest, highest]%n", threads, perThread, WARMUP_ROUNDS,
                MEASURED_ROUNDS);
        System.out.printf("%-13s %18s %22s %22s %22s %22s %18s%n", "peer", "hits/us", "reader ns/hit", "upkeep ns/hit",
                "total ns/hit", "process ns/hit", "1st round total");
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String name : PEERS) {   // a JVM per peer (see the class comment)
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HitCpu.class.getName(),
                    String.valueOf(threads), String.valueOf(perThread / 1_000_000L), name)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            Thread stopChild = new Thread(child::destroyForcibly);   // a stopped run (timeout, ^C) stops its peer's
            Runtime.getRuntime().addShutdownHook(stopChild);
            int exit = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(stopChild);
            if (exit != 0) {
                throw new IllegalStateException("the run of " + name + " failed: exit " + exit);
            }
        }
    }

    private static final String[] PEERS = {"query-cache", "caffeine", "caffeine-run", "map-floor"};

    /** Builds and fills {@code name} once, warms it up, then prints the median of its measured rounds. */
    private static void measure(String name, int threads, long perThread) throws Exception {
        try (HitTableBenchmark.Peer peer = HitTableBenchmark.Peer.of(name)) {
            Round first = Round.run(peer, threads, perThread);
            for (int round = 1; round < WARMUP_ROUNDS; round++) {
                Round.run(peer, threads, perThread);
            }
            Round[] measured = new Round[MEASURED_ROUNDS];
            for (int round = 0; round < MEASURED_ROUNDS; round++) {
                measured[round] = Round.run(peer, threads, perThread);
            }
            System.out.printf("%-13s %18s %22s %22s %22s %22s %18.1f%n", name,
                    spread(measured, r -> r.hitsPerMicro), spread(measured, r -> r.readerNs),
                    spread(measured, r -> r.upkeepNs), spread(measured, r -> r.readerNs + r.upkeepNs),
                    spread(measured, r -> r.processNs), first.readerNs + first.upkeepNs);
        }
    }

    private static String spread(Round[] rounds, java.util.function.ToDoubleFunction<Round> figure) {
        double[] v = Arrays.stream(rounds).mapToDouble(figure).sorted().toArray();
        return String.format("%.1f [%.1f, %.1f]", v[v.length / 2], v[0], v[v.length - 1]);
    }

    /** One round: every reader reads {@code perThread} hits; CPU and wall time per hit. */
    private record Round(double hitsPerMicro, double readerNs, double upkeepNs, double processNs) {

        static Round run(HitTableBenchmark.Peer peer, int threads, long perThread) throws InterruptedException {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<Long, Long> upkeepBefore = upkeepCpu(mx);
            List<Thread> readers = new ArrayList<>();
            long[] readerCpu = new long[threads];
            for (int t = 0; t < threads; t++) {
                int me = t;
                String[] order = randomOrder();
                readers.add(new Thread(() -> {
                    long start = mx.getCurrentThreadCpuTime();
                    Object sink = null;
                    for (long i = 0; i < perThread; i++) {
                        sink = peer.get(order[(int) i & (order.length - 1)]);
                    }
                    readerCpu[me] = mx.getCurrentThreadCpuTime() - start;
                    if (sink == null) {
                        throw new IllegalStateException("a miss");
                    }
                }, "reader-" + t));
            }
            long processBefore = os.getProcessCpuTime();
            long wall = System.nanoTime();
            readers.forEach(Thread::start);
            for (Thread t : readers) {
                t.join();
            }
            wall = System.nanoTime() - wall;
            long process = os.getProcessCpuTime() - processBefore;
            long upkeep = 0;
            for (Map.Entry<Long, Long> e : upkeepCpu(mx).entrySet()) {
                upkeep += e.getValue() - upkeepBefore.getOrDefault(e.getKey(), 0L);
            }
            double hits = perThread * (double) threads;
            long reader = Arrays.stream(readerCpu).sum();
            return new Round(hits / (wall / 1000.0), reader / hits, upkeep / hits, process / hits);
        }

        private static String[] randomOrder() {
            String[] keys = new String[1 << 16];
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = HitTableBenchmark.Peer.KEYS_IN_ORDER[r.nextInt(HitTableBenchmark.KEYS)];
            }
            return keys;
        }
    }

    /** CPU time so far of the threads that do a cache's upkeep, by thread id. */
    private static Map<Long, Long> upkeepCpu(ThreadMXBean mx) {
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.equals("query-cache-maintenance") || n.startsWith("ForkJoinPool.commonPool-worker")) {
                long cpu = mx.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    out.put(t.getId(), cpu);
                }
            }
        }
        return out;
    }
}

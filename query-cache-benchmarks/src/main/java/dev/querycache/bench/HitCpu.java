package dev.querycache.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CPU time per million hits, every thread counted: the readers' own and the upkeep threads' (query-cache's
 * maintenance thread, the common pool's workers for Caffeine's defaults), from {@link ThreadMXBean}, for each
 * peer of {@link HitTableBenchmark} on the same full cache; and the whole process's CPU time over the same run
 * (every thread: the garbage collector's and the JIT's too, which {@link ThreadMXBean} cannot see). Usage:
 * {@code HitCpu [threads] [millions per thread]}.
 */
public final class HitCpu {

    private HitCpu() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long perThread = (args.length > 1 ? Long.parseLong(args[1]) : 20) * 1_000_000L;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("threads=%d, hits per thread=%,d%n", threads, perThread);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("%-13s %12s %14s %14s %14s %12s %16s%n", "peer", "hits/us", "reader ns/hit", "upkeep ns/hit",
                "total ns/hit", "upkeep share", "process ns/hit");
        for (String name : new String[] {"query-cache", "caffeine", "caffeine-run", "map-floor"}) {
            for (int round = 0; round < 2; round++) {   // the first round warms the JIT up; the second is reported
                try (HitTableBenchmark.Peer peer = HitTableBenchmark.Peer.of(name)) {
                    Map<Long, Long> upkeepBefore = upkeepCpu(mx);
                    List<Thread> readers = new ArrayList<>();
                    long[] readerCpu = new long[threads];
                    for (int t = 0; t < threads; t++) {
                        int me = t;
                        readers.add(new Thread(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            String[] keys = HitTableBenchmark.Peer.KEYS_IN_ORDER;
                            long start = mx.getCurrentThreadCpuTime();
                            Object sink = null;
                            for (long i = 0; i < perThread; i++) {
                                sink = peer.get(keys[r.nextInt(keys.length)]);
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
                    long hits = perThread * threads;
                    long reader = 0;
                    for (long c : readerCpu) {
                        reader += c;
                    }
                    if (round == 1) {
                        System.out.printf("%-13s %12.1f %14.1f %14.1f %14.1f %11.1f%% %16.1f%n", name, hits / (wall / 1000.0),
                                reader / (double) hits, upkeep / (double) hits, (reader + upkeep) / (double) hits,
                                100.0 * upkeep / Math.max(1, reader + upkeep), process / (double) hits);
                    }
                }
            }
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

package dev.querycache.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The timeline of the sample's streamed benchmark page (BENCHMARKS §10): a page reading three queries whose
 * upstreams take 100, 400 and 900 ms, each request cold (keys of its own). For the streamed page and the
 * same page awaited: time to first byte, when each query's element arrived (late by how much after its
 * upstream's own time), and the end; then the heap each open stream holds (jcmd GC.heap_info before and with
 * {@code holds} streams open). Prints a Markdown table.
 *
 * <p>{@code java -cp benchmarks.jar dev.querycache.bench.StreamLoad <base-url> <requests> <holds> <app-pid>} (either
 * count 0 skips its part)
 */
public final class StreamLoad {

    private static final Pattern FILL = Pattern.compile("<template data-qc-fill=\"\\d+\"><section id=\"([abc])\">"
            + "<p data-answered-at=\"(\\d+)\"");

    private StreamLoad() {
    }

    /**
     * One request's timeline in ms since it was sent: first byte, each section's element (a, b, c) and the end;
     * and how long after its upstream answered each element arrived (the upstream runs in the app, on this
     * machine's clock).
     */
    record Timeline(double firstByte, double a, double b, double c, double end, double aLate, double bLate, double cLate) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int holds = Integer.parseInt(args[2]);
        String pid = args[3];
        HttpClient http = HttpClient.create(ConnectionProvider.builder("stream-load").maxConnections(holds + 16)
                .pendingAcquireMaxCount(-1).build());
        if (requests > 0) {
            timelines(http, base, requests);
        }
        if (holds > 0) {
            heapPerStream(http, base, holds, pid);
        }
    }

    private static void timelines(HttpClient http, String base, int requests) {
        // warm this client's JIT on both paths: its own decoding and matching count in what it measures
        for (int i = 0; i < 30; i++) {
            timeline(http, base + "/bench/page/streamed?fast=true");
            timeline(http, base + "/bench/page/awaited?fast=true");
        }
        List<Timeline> streamed = new ArrayList<>();
        List<Timeline> awaited = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            streamed.add(timeline(http, base + "/bench/page/streamed"));
            awaited.add(timeline(http, base + "/bench/page/awaited"));
        }
        System.out.println("| page (upstreams 100, 400, 900 ms; " + requests + " cold requests each) | first byte p50 / max"
                + " | a at p50 / max | b at | c at | end | a after its upstream answered | b after | c after |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        row("streamed (`/bench/page/streamed`)", streamed);
        row("awaited (`/bench/page/awaited`)", awaited);
    }

    /** Opens {@code holds} streams whose last query takes 30 s, and compares the heap with and without them. */
    private static void heapPerStream(HttpClient http, String base, int holds, String pid) throws Exception {

        long before = usedHeapKb(pid);
        java.util.Map<String, long[]> histogramBefore = histogram(pid);
        CountDownLatch started = new CountDownLatch(holds);
        List<Disposable> open = new ArrayList<>();
        for (int i = 0; i < holds; i++) {
            open.add(http.get().uri(base + "/bench/page/hold?ms=30000").responseContent().asString(StandardCharsets.UTF_8)
                    .take(1).doOnNext(s -> started.countDown()).then()
                    .then(reactor.core.publisher.Mono.<Void>never()).subscribe());
        }
        if (!started.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (holds - started.getCount()) + " of " + holds + " streams started");
        }
        long during = usedHeapKb(pid);
        java.util.Map<String, long[]> histogramDuring = histogram(pid);
        System.out.printf("%nheap after a full GC: %d KB idle, %d KB with %d streams open: %.1f KB per open stream%n",
                before, during, holds, (during - before) / (double) holds);
        long histogramDelta = 0;
        for (var e : histogramDuring.entrySet()) {
            histogramDelta += e.getValue()[1] - histogramBefore.getOrDefault(e.getKey(), new long[2])[1];
        }
        System.out.printf("live objects (GC.class_histogram, every class): %.1f KB per open stream%n", histogramDelta / 1024.0 / holds);
        System.out.println("\nwhat an open stream holds (GC.class_histogram, with streams open minus idle, per stream):\n");
        System.out.println("| class | instances | bytes |");
        System.out.println("|---|---|---|");
        histogramDuring.entrySet().stream()
                .map(e -> {
                    long[] b = histogramBefore.getOrDefault(e.getKey(), new long[2]);
                    return java.util.Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .limit(15)
                .forEach(e -> System.out.printf("| `%s` | %.1f | %.0f |%n", e.getKey(),
                        e.getValue()[0] / (double) holds, e.getValue()[1] / (double) holds));
        open.forEach(Disposable::dispose);
    }

    private static void row(String name, List<Timeline> t) {
        System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", name,
                stat(t.stream().mapToDouble(Timeline::firstByte).toArray()),
                stat(t.stream().mapToDouble(Timeline::a).toArray()),
                stat(t.stream().mapToDouble(Timeline::b).toArray()),
                stat(t.stream().mapToDouble(Timeline::c).toArray()),
                stat(t.stream().mapToDouble(Timeline::end).toArray()),
                stat(t.stream().mapToDouble(Timeline::aLate).toArray()),
                stat(t.stream().mapToDouble(Timeline::bLate).toArray()),
                stat(t.stream().mapToDouble(Timeline::cLate).toArray()));
    }

    private static String stat(double[] values) {
        double[] v = Arrays.stream(values).sorted().toArray();
        return String.format("%.1f / %.1f ms", v[v.length / 2], v[v.length - 1]);
    }

    private static Timeline timeline(HttpClient http, String url) {
        long t0 = System.nanoTime();
        double[] at = {-1, -1, -1, -1};   // first byte, a, b, c
        double[] late = {-1, -1, -1};     // a, b, c: ms from the upstream's answer to the element's arrival
        StringBuilder body = new StringBuilder();
        http.get().uri(url).responseContent().asString(StandardCharsets.UTF_8).doOnNext(s -> {
            double now = (System.nanoTime() - t0) / 1e6;
            if (at[0] < 0) {
                at[0] = now;
            }
            int from = Math.max(0, body.length() - 64);
            body.append(s);
            Matcher m = FILL.matcher(body);
            m.region(from, body.length());
            while (m.find()) {
                int i = m.group(1).charAt(0) - 'a';
                at[1 + i] = now;
                late[i] = System.currentTimeMillis() - Long.parseLong(m.group(2));
            }
        }).blockLast(Duration.ofSeconds(60));
        double end = (System.nanoTime() - t0) / 1e6;
        if (!body.toString().contains("answered after 900 ms") && !body.toString().contains("answered after 0 ms")) {
            throw new IllegalStateException(url + " did not render its data: " + body);
        }
        // the awaited page has no separate elements: each one "arrives" with the whole page
        long endWall = System.currentTimeMillis();
        for (int i = 1; i < 4; i++) {
            if (at[i] < 0) {
                at[i] = end;
                Matcher answered = Pattern.compile("<section id=\"" + (char) ('a' + i - 1) + "\"><p data-answered-at=\"(\\d+)\"")
                        .matcher(body);
                late[i - 1] = answered.find() ? endWall - Long.parseLong(answered.group(1)) : Double.NaN;
            }
        }
        return new Timeline(at[0], at[1], at[2], at[3], end, late[0], late[1], late[2]);
    }

    /** Instances and bytes per class, from jcmd GC.class_histogram (which runs a full GC first). */
    private static java.util.Map<String, long[]> histogram(String pid) throws Exception {
        java.util.Map<String, long[]> out = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(run("jcmd", pid, "GC.class_histogram"));
        while (m.find()) {
            out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return out;
    }

    /** The heap in use after a full GC, from jcmd (G1's "used NNNK"). */
    private static long usedHeapKb(String pid) throws Exception {
        run("jcmd", pid, "GC.run");
        String info = run("jcmd", pid, "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}

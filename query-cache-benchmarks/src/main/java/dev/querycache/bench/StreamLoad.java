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
 * <p>{@code java -cp benchmarks.jar dev.querycache.bench.StreamLoad <base-url> <requests> <holds> <app-pid>}
 */
public final class StreamLoad {

    private static final Pattern FILL = Pattern.compile("<template data-qc-fill=\"\\d+\"><section id=\"([abc])\"");

    private StreamLoad() {
    }

    /** One request's timeline in ms since it was sent: first byte, each section's element (a, b, c), end. */
    record Timeline(double firstByte, double a, double b, double c, double end) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int holds = Integer.parseInt(args[2]);
        String pid = args[3];
        HttpClient http = HttpClient.create(ConnectionProvider.builder("stream-load").maxConnections(holds + 16)
                .pendingAcquireMaxCount(-1).build());
        for (int i = 0; i < 3; i++) {   // warm the JIT of both paths
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
                + " | a − 100 ms p50 / max | b − 400 ms p50 / max | c − 900 ms p50 / max | end p50 / max |");
        System.out.println("|---|---|---|---|---|---|");
        row("streamed (`/bench/page/streamed`)", streamed);
        row("awaited (`/bench/page/awaited`)", awaited);

        long before = usedHeapKb(pid);
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
        System.out.printf("%nheap after a full GC: %d KB idle, %d KB with %d streams open: %.1f KB per open stream%n",
                before, during, holds, (during - before) / (double) holds);
        open.forEach(Disposable::dispose);
    }

    private static void row(String name, List<Timeline> t) {
        System.out.printf("| %s | %s | %s | %s | %s | %s |%n", name,
                stat(t.stream().mapToDouble(Timeline::firstByte).toArray(), 0),
                stat(t.stream().mapToDouble(Timeline::a).toArray(), 100),
                stat(t.stream().mapToDouble(Timeline::b).toArray(), 400),
                stat(t.stream().mapToDouble(Timeline::c).toArray(), 900),
                stat(t.stream().mapToDouble(Timeline::end).toArray(), 0));
    }

    private static String stat(double[] values, double minus) {
        double[] v = Arrays.stream(values).map(x -> x - minus).sorted().toArray();
        return String.format("%.1f / %.1f ms", v[v.length / 2], v[v.length - 1]);
    }

    private static Timeline timeline(HttpClient http, String url) {
        long t0 = System.nanoTime();
        double[] at = {-1, -1, -1, -1};   // first byte, a, b, c
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
                at[1 + (m.group(1).charAt(0) - 'a')] = now;
            }
        }).blockLast(Duration.ofSeconds(60));
        double end = (System.nanoTime() - t0) / 1e6;
        if (!body.toString().contains("answered after 900 ms") && !body.toString().contains("answered after 0 ms")) {
            throw new IllegalStateException(url + " did not render its data: " + body);
        }
        // the awaited page has no separate elements: each one "arrives" with the whole page
        for (int i = 1; i < 4; i++) {
            if (at[i] < 0) {
                at[i] = end;
            }
        }
        return new Timeline(at[0], at[1], at[2], at[3], end);
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

package dev.querycache.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Redis pub/sub from a JVM with no query-cache code: how much of an invalidation's delay the transport and
 * the JVM's thread hand-offs take on this machine. The other side can be {@code transport/resp_probe.py}
 * (no JVM); both stamp messages with {@code CLOCK_MONOTONIC}. Targets only 127.0.0.1.
 *
 * <pre>
 * java -cp benchmarks.jar dev.querycache.bench.TransportProbe lettuce-pub|socket-pub|handoff-pub &lt;port&gt; [rate] [seconds]
 * java -cp benchmarks.jar dev.querycache.bench.TransportProbe lettuce-sub &lt;port&gt; [count]
 * </pre>
 * <ul>
 *   <li>{@code lettuce-pub}: Lettuce's asynchronous PUBLISH, as query-cache's bus publishes (the write is handed
 *       to Lettuce's event loop);</li>
 *   <li>{@code socket-pub}: a blocking socket written by the sending thread itself (no hand-off);</li>
 *   <li>{@code handoff-pub}: the same socket, written by a second thread the sender hands each message to;</li>
 *   <li>{@code lettuce-sub}: a Lettuce pub/sub listener, printing the delays like {@code resp_probe.py sub}.</li>
 * </ul>
 */
public final class TransportProbe {

    private static final String CHANNEL = "transport-probe";

    private TransportProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "lettuce-pub" -> lettucePub(port, rate(args), seconds(args));
            case "socket-pub" -> socketPub(port, rate(args), seconds(args), false);
            case "handoff-pub" -> socketPub(port, rate(args), seconds(args), true);
            case "lettuce-sub" -> lettuceSub(port, args.length > 2 ? Integer.parseInt(args[2]) : 20_000);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]
                    + ": lettuce-pub, socket-pub, handoff-pub or lettuce-sub");
        }
    }

    private static int rate(String[] args) {
        return args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    }

    private static int seconds(String[] args) {
        return args.length > 3 ? Integer.parseInt(args[3]) : 10;
    }

    /** Calls {@code send} with "-1" for 3 s of warm-up, then with the send time for {@code seconds} s, at {@code rate}/s. */
    private static void paced(int rate, int seconds, SendOne send) throws Exception {
        for (int second = -3; second < seconds; second++) {
            long start = System.nanoTime();
            for (int i = 0; i < rate; i++) {
                Pacing.awaitTurn(start, i, rate);
                send.send(second < 0 ? "-1" : Long.toString(System.nanoTime()));
            }
        }
    }

    private interface SendOne {
        void send(String body) throws Exception;
    }

    private static void lettucePub(int port, int rate, int seconds) throws Exception {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        RedisAsyncCommands<String, String> redis = client.connect().async();
        paced(rate, seconds, body -> redis.publish(CHANNEL, body));
        Thread.sleep(500);
        client.shutdown();
    }

    private static void socketPub(int port, int rate, int seconds, boolean handOff) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Thread reader = new Thread(() -> {
                try {
                    while (replies.readLine() != null) {
                        // the replies are not timed: only the subscriber's receipt is
                    }
                } catch (java.io.IOException closed) {
                    // the socket closed at the end
                }
            }, "replies");
            reader.setDaemon(true);
            reader.start();
            if (!handOff) {
                paced(rate, seconds, body -> write(out, body));
                return;
            }
            LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Thread writer = new Thread(() -> {
                try {
                    for (String body = queue.take(); !body.isEmpty(); body = queue.take()) {
                        write(out, body);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "writer");
            writer.start();
            paced(rate, seconds, queue::add);
            queue.add("");
            writer.join();
            Thread.sleep(300);
        }
    }

    private static void write(OutputStream out, String body) throws java.io.IOException {
        out.write(("*3\r\n$7\r\nPUBLISH\r\n$" + CHANNEL.length() + "\r\n" + CHANNEL + "\r\n$" + body.length() + "\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void lettuceSub(int port, int count) throws Exception {
        long[] delays = new long[count];
        int[] received = {0};
        CountDownLatch done = new CountDownLatch(1);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                long now = System.nanoTime();
                long sent = Long.parseLong(message);
                if (sent > 0 && received[0] < count) {   // one event-loop thread calls this
                    delays[received[0]++] = now - sent;
                    if (received[0] == count) {
                        done.countDown();
                    }
                }
            }
        });
        connection.sync().subscribe(CHANNEL);
        System.out.println("ready");
        System.out.flush();
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + received[0] + " of " + count + " messages within 60 s");
        }
        Arrays.sort(delays);
        System.out.printf("p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                delays[count / 2] / 1e6, delays[count * 99 / 100] / 1e6, delays[count - 1] / 1e6);
        client.shutdown();
    }
}

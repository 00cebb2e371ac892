package dev.querycache.spring.clusterapp;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server (Debian's package) on a free loopback port, started and stopped by the test; no
 * persistence, so a restart loses every key. Skips the test when the binary is missing, unless CI=true.
 */
public final class RedisServer implements AutoCloseable {

    public final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    public static RedisServer startOrSkip() throws Exception {
        Path binary = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(binary)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but /usr/bin/redis-server is missing: .ci/run must install redis-server");
            }
            Assumptions.abort("cluster test skipped: install Debian's redis-server (apt-get install -y redis-server); "
                    + "under CI=true this test fails instead");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = new RedisServer(port);
        server.start();
        return server;
    }

    public void start() throws Exception {
        process = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(new File("target/redis-" + port + ".log")).start();
        long end = System.nanoTime() + 10_000_000_000L;
        while (!ping()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("redis-server did not answer on port " + port);
            }
            Thread.sleep(50);
        }
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    private boolean ping() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

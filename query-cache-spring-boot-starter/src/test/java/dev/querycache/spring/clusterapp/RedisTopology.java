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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Real Redis servers (Debian's redis-server, no persistence) on free loopback ports, in one of the three
 * topologies Spring Data Redis connects to: one node; a primary with a replica and a Sentinel; a sharded
 * Redis Cluster of three masters (slots assigned by {@code redis-cli --cluster create}). Started and stopped
 * by the test; skips the test when the binaries are missing, unless CI=true.
 */
public final class RedisTopology implements AutoCloseable {

    /** The three topologies. */
    public enum Kind { ONE_NODE, SENTINEL, CLUSTER }

    public static final String SENTINEL_MASTER = "querycache";

    public final Kind kind;
    private final List<Node> dataNodes = new ArrayList<>();
    private Node sentinel;
    private final Path dir;

    private RedisTopology(Kind kind) throws IOException {
        this.kind = kind;
        this.dir = Files.createDirectories(Path.of("target", "redis-" + kind.name().toLowerCase() + "-" + System.nanoTime()));
    }

    /** Starts the topology, or skips the test when redis-server (and, for a cluster, redis-cli) is missing. */
    public static RedisTopology startOrSkip(Kind kind) throws Exception {
        for (String binary : List.of("/usr/bin/redis-server", "/usr/bin/redis-cli")) {
            if (!Files.isExecutable(Path.of(binary))) {
                if ("true".equals(System.getenv("CI"))) {
                    throw new IllegalStateException("CI=true but " + binary + " is missing: .ci/run must install redis-server");
                }
                Assumptions.abort("Redis test skipped: install Debian's redis-server (apt-get install -y redis-server); "
                        + "under CI=true this test fails instead");
            }
        }
        RedisTopology t = new RedisTopology(kind);
        try {
            t.startAll();
        } catch (Exception e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void startAll() throws Exception {
        switch (kind) {
            case ONE_NODE -> dataNodes.add(new Node(freePort(), List.of()));
            case SENTINEL -> {
                int primary = freePort();
                dataNodes.add(new Node(primary, List.of()));
                dataNodes.add(new Node(freePort(), List.of("--replicaof", "127.0.0.1", String.valueOf(primary))));
            }
            case CLUSTER -> {
                for (int i = 0; i < 3; i++) {
                    int port = freePort();
                    dataNodes.add(new Node(port, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                            dir.resolve("nodes-" + port + ".conf").toAbsolutePath().toString(),
                            "--cluster-node-timeout", "3000")));
                }
            }
        }
        for (Node n : dataNodes) {
            n.start();
        }
        if (kind == Kind.SENTINEL) {
            int port = freePort();
            Path conf = dir.resolve("sentinel-" + port + ".conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\n"
                    + "sentinel monitor " + SENTINEL_MASTER + " 127.0.0.1 " + dataNodes.get(0).port + " 1\n"
                    + "sentinel down-after-milliseconds " + SENTINEL_MASTER + " 60000\n"
                    + "sentinel failover-timeout " + SENTINEL_MASTER + " 180000\n");
            sentinel = new Node(port, List.of(conf.toAbsolutePath().toString(), "--sentinel"));
            sentinel.start();
            awaitReplicaInSync();
        }
        if (kind == Kind.CLUSTER) {
            List<String> create = new ArrayList<>(List.of("/usr/bin/redis-cli", "--cluster", "create"));
            dataNodes.forEach(n -> create.add("127.0.0.1:" + n.port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + Files.readString(dir.resolve("cluster-create.log")));
            }
            awaitClusterOk();
        }
    }

    /** The port of the first data node: the one node, the primary, or a cluster's first master. */
    public int port() {
        return dataNodes.get(0).port;
    }

    /** The {@code spring.data.redis.*} properties that connect an application to this topology. */
    public List<String> springProperties() {
        return switch (kind) {
            case ONE_NODE -> List.of("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port());
            case SENTINEL -> List.of("spring.data.redis.sentinel.master=" + SENTINEL_MASTER,
                    "spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port);
            case CLUSTER -> List.of("spring.data.redis.cluster.nodes=" + String.join(",",
                    dataNodes.stream().map(n -> "127.0.0.1:" + n.port).toList()));
        };
    }

    /** A connection factory of the test's own, connected to this topology as an application would be. Started. */
    public LettuceConnectionFactory connectionFactory() {
        LettuceConnectionFactory f = switch (kind) {
            case ONE_NODE -> new LettuceConnectionFactory("127.0.0.1", port());
            case SENTINEL -> new LettuceConnectionFactory(new RedisSentinelConfiguration()
                    .master(SENTINEL_MASTER).sentinel("127.0.0.1", sentinel.port));
            case CLUSTER -> new LettuceConnectionFactory(new RedisClusterConfiguration(
                    dataNodes.stream().map(n -> "127.0.0.1:" + n.port).toList()));
        };
        f.afterPropertiesSet();
        f.start();
        return f;
    }

    /** An outage of every data node: all stopped (their data is lost). */
    public void stop() throws InterruptedException {
        for (Node n : dataNodes) {
            n.stop();
        }
    }

    /** Every data node started again (empty); for a cluster, once its slots are served again. */
    public void start() throws Exception {
        for (Node n : dataNodes) {
            n.start();
        }
        if (kind == Kind.CLUSTER) {
            awaitClusterOk();
        }
        if (kind == Kind.SENTINEL) {
            awaitReplicaInSync();
        }
    }

    /**
     * The first data node stopped (its data lost): the primary (Sentinel: no failover within the test, its
     * replica stays), the one node, or one master of a cluster (an outage of the slots it held).
     */
    public void stopPrimary() throws InterruptedException {
        dataNodes.get(0).stop();
    }

    /** The first data node started again (empty); a cluster once it serves every slot again. */
    public void startPrimary() throws Exception {
        dataNodes.get(0).start();
        if (kind == Kind.CLUSTER) {
            awaitClusterOk();
        }
        if (kind == Kind.SENTINEL) {
            awaitReplicaInSync();
        }
    }

    /** Runs one command with redis-cli on the first data node (the primary; for a cluster, its first master). */
    public String cli(String... args) throws Exception {
        return dataNodes.get(0).cli(args);
    }

    private void awaitClusterOk() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            boolean ok = true;
            for (Node n : dataNodes) {
                ok &= n.cli("cluster", "info").contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the Redis Cluster did not reach cluster_state:ok within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private void awaitReplicaInSync() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!dataNodes.get(1).cli("info", "replication").contains("master_link_status:up")) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the replica did not reach its primary within 60 s");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (sentinel != null) {
            sentinel.stop();
        }
        stop();
    }

    /** A free port whose cluster bus port (+10 000) is free too. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            if (port + 10_000 > 65_535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private final class Node {
        final int port;
        final List<String> extra;
        Process process;

        Node(int port, List<String> extra) {
            this.port = port;
            this.extra = extra;
        }

        void start() throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add("/usr/bin/redis-server");
            boolean sentinelMode = extra.contains("--sentinel");
            if (sentinelMode) {
                cmd.addAll(extra);
            } else {
                cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toAbsolutePath().toString()));
                cmd.addAll(extra);
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "redis-" + port + ".log"))).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ping()) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("redis-server did not answer on port " + port);
                }
                Thread.sleep(50);
            }
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                process = null;
            }
        }

        String cli(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
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
    }
}

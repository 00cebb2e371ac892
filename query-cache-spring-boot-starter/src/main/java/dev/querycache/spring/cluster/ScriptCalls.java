package dev.querycache.spring.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs one Lua script per call, answering its list of strings. On Lettuce's own asynchronous API when the
 * factory is Lettuce's (the connection Spring shares, one command object per call), else through Spring's
 * reactive template, whose per-command publisher, queue and connection wrapper cost several kilobytes of
 * garbage per call: on the cluster's hot path (one call per invalidation, thousands a second) that garbage
 * was what GC pauses delayed messages by. Thread-safe.
 */
final class ScriptCalls {

    private final ReactiveRedisConnectionFactory factory;
    private final ReactiveStringRedisTemplate template;
    private volatile RedisScriptingAsyncCommands<byte[], byte[]> lettuce;

    ScriptCalls(ReactiveRedisConnectionFactory factory, ReactiveStringRedisTemplate template) {
        this.factory = factory;
        this.template = template;
    }

    /** {@code script} with {@code keys} and {@code args}; fails with the connection's error or on timeout. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<List<String>> call(RedisScript<List> script, List<String> keys, List<String> args, Duration timeout) {
        RedisScriptingAsyncCommands<byte[], byte[]> async = lettuce();
        if (async == null) {
            // Spring's factory hands out its connection under a lock, connecting while it holds it, and that
            // connect needs Lettuce's event loop: subscribed on a worker that may wait, never on the event loop
            // (a call started there would wait for the lock held by a connect that waits for the event loop)
            // nor on a parallel thread
            return template.execute(script, keys, args).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).next()
                    .doOnNext(r -> findLettuce())   // Redis answers: Lettuce's connection can be had without waiting
                    .map(r -> {
                        List<String> out = new ArrayList<>(r.size());
                        for (Object o : (List<Object>) r) {
                            out.add(String.valueOf(o));
                        }
                        return out;
                    })
                    .timeout(timeout).toFuture();
        }
        byte[][] k = bytes(keys);
        byte[][] a = bytes(args);
        CompletableFuture<List<Object>> f = async.<List<Object>>evalsha(script.getSha1(), ScriptOutputType.MULTI, k, a)
                .toCompletableFuture()
                .exceptionallyCompose(e -> isNoScript(e)
                        ? async.<List<Object>>eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8),
                                ScriptOutputType.MULTI, k, a).toCompletableFuture()
                        : CompletableFuture.failedFuture(e));
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(ScriptCalls::strings);
    }

    private static boolean isNoScript(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    private static List<String> strings(List<Object> reply) {
        List<String> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            out.add(o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o));
        }
        return out;
    }

    private static byte[][] bytes(List<String> values) {
        byte[][] out = new byte[values.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** Lettuce's asynchronous scripting commands on the connection Spring shares, once found; null before. */
    private RedisScriptingAsyncCommands<byte[], byte[]> lettuce() {
        return lettuce;
    }

    private final java.util.concurrent.atomic.AtomicBoolean finding = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Looks up the native connection once Redis has answered, on a worker: Spring's factory connects under
     * its lock, so this never runs on a caller's thread, never while Redis is unreachable, and never twice
     * at once. Not Lettuce, or not a shared connection: calls stay on the template.
     */
    @SuppressWarnings("unchecked")
    private void findLettuce() {
        if (lettuce != null || !(factory instanceof LettuceConnectionFactory lcf) || !lcf.getShareNativeConnection()
                || !finding.compareAndSet(false, true)) {
            return;
        }
        reactor.core.scheduler.Schedulers.boundedElastic().schedule(() -> {
            try {
                Object nativeConnection = lcf.getConnection().getNativeConnection();
                if (nativeConnection instanceof RedisScriptingAsyncCommands<?, ?> commands) {
                    lettuce = (RedisScriptingAsyncCommands<byte[], byte[]>) commands;
                }
            } catch (RuntimeException e) {
                // stopped or unreachable meanwhile: the next answer from Redis tries again
            } finally {
                finding.set(false);
            }
        });
    }
}

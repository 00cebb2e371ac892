package dev.querycache.spring.cluster;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Names what went wrong with a Redis command as what it is: an error reply from Redis (CROSSSLOT,
 * NOSCRIPT, WRONGTYPE, NOAUTH, OOM, ...), no answer within the timeout, or no connection. Stateless.
 */
final class RedisErrors {

    private RedisErrors() {
    }

    /** The cause worth naming: completion and Spring's translation wrappers taken off. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException
                || t.getClass().getName().startsWith("org.springframework.data.redis.")
                && !(t instanceof org.springframework.data.redis.RedisConnectionFailureException))
                && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether Redis could not be reached at all (as opposed to answering with an error). */
    static boolean isUnreachable(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof org.springframework.data.redis.RedisConnectionFailureException
                || t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException) {
            return true;
        }
        String name = t.getClass().getName();
        return name.equals("io.lettuce.core.RedisConnectionException") || name.endsWith("ClosedChannelException")
                || t.getMessage() != null && (t.getMessage().contains("Connection refused")
                || t.getMessage().contains("Connection closed") || t.getMessage().startsWith("LOADING")
                || t.getMessage().startsWith("CLUSTERDOWN") || t.getMessage().startsWith("MASTERDOWN"));
    }

    /**
     * Whether an error reply concerns the whole connection or server rather than one command: not
     * authenticated or not allowed (NOAUTH, WRONGPASS, NOPERM), out of memory (OOM), a replica that cannot
     * take writes (READONLY), a server still loading (LOADING), a cluster or primary that is down.
     */
    static boolean isServerWide(Throwable e) {
        String m = unwrap(e).getMessage();
        return m != null && (m.startsWith("NOAUTH") || m.startsWith("WRONGPASS") || m.startsWith("NOPERM")
                || m.startsWith("OOM") || m.startsWith("READONLY") || m.startsWith("LOADING")
                || m.startsWith("CLUSTERDOWN") || m.startsWith("MASTERDOWN") || m.startsWith("BUSY"));
    }

    /** Whether the command got no answer in time. */
    static boolean isTimeout(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof TimeoutException || t.getClass().getName().equals("io.lettuce.core.RedisCommandTimeoutException");
    }

    /** One phrase for a log line: "cannot reach Redis (...)", "no answer from Redis within ...", or "Redis answered CROSSSLOT ...". */
    static String describe(Throwable e) {
        Throwable t = unwrap(e);
        if (isTimeout(t)) {
            return "no answer from Redis in time (" + t.getMessage() + ")";
        }
        if (isUnreachable(t)) {
            return "cannot reach Redis (" + t.getMessage() + ")";
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return "Redis answered an error: " + m;
    }
}

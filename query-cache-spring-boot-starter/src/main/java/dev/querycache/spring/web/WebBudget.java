package dev.querycache.spring.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.QueryCacheEvent;
import dev.querycache.QueryClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import reactor.core.Disposable;

/**
 * What anonymous HTTP traffic may make the cache do: a token bucket per client (the signed-in caller,
 * else the remote address) for prefetch, preload and GET route preloads, and a cap on the entries HTTP
 * prefetch may create per endpoint, so that nobody can fill the cache with keys of their choosing and
 * evict the entries real pages need. Refusals are counted ({@link #refusedRate()},
 * {@link #refusedEntries()}). Thread-safe.
 */
final class WebBudget implements AutoCloseable {

    private final double ratePerNano;
    private final int burst;
    private final int maxNewEntries;
    private final LongSupplier nanoClock;
    private final Cache<String, Bucket> buckets;
    private final ConcurrentHashMap<String, Set<Object>> created = new ConcurrentHashMap<>();
    private final LongAdder refusedRate = new LongAdder();
    private final LongAdder refusedEntries = new LongAdder();
    private final Disposable removals;

    WebBudget(QueryClient client, double perClientRatePerSecond, int perClientBurst, int maxNewEntriesPerEndpoint,
              LongSupplier nanoClock) {
        if (perClientRatePerSecond <= 0 || perClientBurst < 1 || maxNewEntriesPerEndpoint < 0) {
            throw new IllegalArgumentException("query-cache.web.budget: per-client-rate must be positive, "
                    + "per-client-burst at least 1 and max-new-entries-per-endpoint not negative");
        }
        this.ratePerNano = perClientRatePerSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = perClientBurst;
        this.maxNewEntries = maxNewEntriesPerEndpoint;
        this.nanoClock = nanoClock;
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        // an entry that HTTP prefetch created stops counting once it is removed
        this.removals = client.events()
                .filter(e -> e.type() == QueryCacheEvent.Type.REMOVED)
                .subscribe(e -> {
                    Set<Object> keys = created.get(e.endpoint());
                    if (keys != null) {
                        keys.remove(key(e.state().principal(), e.arg()));
                    }
                });
    }

    /** Takes one request from {@code client}'s bucket; false (and counted) when it is empty. */
    boolean tryAcquire(String client) {
        Bucket b = buckets.get(client, k -> new Bucket(burst, nanoClock.getAsLong()));
        boolean ok = b.tryTake(nanoClock.getAsLong(), ratePerNano, burst);
        if (!ok) {
            refusedRate.increment();
        }
        return ok;
    }

    /**
     * Records that HTTP prefetch is about to create the entry ({@code endpoint}, caller, {@code arg});
     * false (and counted) when the endpoint already holds as many such entries as allowed.
     */
    boolean tryCreate(String endpoint, String principal, Object arg) {
        Set<Object> keys = created.computeIfAbsent(endpoint, k -> ConcurrentHashMap.newKeySet());
        Object key = key(principal, arg);
        if (keys.contains(key)) {
            return true;
        }
        synchronized (keys) {
            if (keys.size() >= maxNewEntries) {
                refusedEntries.increment();
                return false;
            }
            keys.add(key);
        }
        return true;
    }

    private static Object key(String principal, Object arg) {
        return principal == null ? java.util.Arrays.asList(arg) : java.util.Arrays.asList(principal, arg);
    }

    long refusedRate() {
        return refusedRate.sum();
    }

    long refusedEntries() {
        return refusedEntries.sum();
    }

    @Override
    public void close() {
        removals.dispose();
    }

    /** A token bucket: {@code burst} tokens, refilled at the rate; guarded by its monitor. */
    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.lastNanos = now;
        }

        synchronized boolean tryTake(long now, double ratePerNano, int burst) {
            tokens = Math.min(burst, tokens + Math.max(0, now - lastNanos) * ratePerNano);
            lastNanos = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}

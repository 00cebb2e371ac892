package dev.querycache.spring.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Admission;
import dev.querycache.QueryCacheEvent;
import dev.querycache.QueryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import reactor.core.Disposable;

/**
 * What anonymous HTTP traffic may make the cache do. A token bucket per client (the signed-in caller, else
 * the remote address) for prefetch, preload, GET route preloads and reads of uncached entries; and an
 * {@link Admission.Gate} per request for every entry such traffic makes the cache create (prefetch,
 * preload, route preloads, {@code /q}, devtools).
 *
 * <p>Entries created over HTTP are admitted <em>on probation</em>: they take no room of the endpoint's
 * {@code maximumSize}, so they can never evict an entry the application uses; the application's own first
 * read of its fetched data promotes one to an ordinary entry, as does a read by a second client. At most {@code maxNewEntries} of them are kept per endpoint,
 * and at most {@code perClientShare} per client: a client at its share makes room by dropping its own
 * oldest, and when the endpoint's pool is full, the client holding the most loses its oldest. So a new
 * client always gets its entry, whatever others did, and a refusal ({@link #refusedEntries()}) only happens
 * when every candidate is still being fetched or subscribed. Thread-safe: each endpoint's pool is guarded
 * by its own monitor, never held while the cache calls back.
 */
final class WebBudget implements AutoCloseable {

    private final double ratePerNano;
    private final int burst;
    private final int maxNewEntries;
    private final int perClientShare;
    private final LongSupplier nanoClock;
    private final QueryClient client;
    private final Cache<String, Bucket> buckets;
    private final ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();
    private final LongAdder refusedRate = new LongAdder();
    private final LongAdder refusedEntries = new LongAdder();
    private final LongAdder discarded = new LongAdder();
    private final Disposable removals;

    WebBudget(QueryClient client, double perClientRatePerSecond, int perClientBurst, int maxNewEntriesPerEndpoint,
              int maxNewEntriesPerClient, LongSupplier nanoClock) {
        if (perClientRatePerSecond <= 0 || perClientBurst < 1 || maxNewEntriesPerEndpoint < 0 || maxNewEntriesPerClient < 1) {
            throw new IllegalArgumentException("query-cache.web.budget: per-client-rate must be positive, "
                    + "per-client-burst and max-new-entries-per-client at least 1, and max-new-entries-per-endpoint not negative");
        }
        this.client = client;
        this.ratePerNano = perClientRatePerSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = perClientBurst;
        this.maxNewEntries = maxNewEntriesPerEndpoint;
        this.perClientShare = Math.min(maxNewEntriesPerClient, Math.max(1, maxNewEntriesPerEndpoint));
        this.nanoClock = nanoClock;
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        // an entry that HTTP created stops counting once it is removed, however that happened
        this.removals = client.events()
                .filter(e -> e.type() == QueryCacheEvent.Type.REMOVED)
                .subscribe(e -> {
                    Pool pool = pools.get(e.endpoint());
                    if (pool != null) {
                        pool.forget(new Key(e.state().principal(), e.arg()));
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

    /** The gate for one request of {@code clientId}: it remembers whether it refused anything. */
    RequestGate gate(String clientId) {
        return new RequestGate(clientId);
    }

    /** An {@link Admission.Gate} for one request; thread-safe. */
    final class RequestGate implements Admission.Gate {
        private final String clientId;
        private volatile boolean refused;

        private RequestGate(String clientId) {
            this.clientId = clientId;
        }

        @Override
        public boolean admit(String endpoint, String principal, Object arg) {
            boolean ok = pools.computeIfAbsent(endpoint, Pool::new).admit(clientId, new Key(principal, arg));
            if (!ok) {
                refused = true;
                refusedEntries.increment();
            }
            return ok;
        }

        /**
         * A read by another client than the one whose request created the entry is real use: promoted (and no
         * longer counted as HTTP's). A client reading its own entry again, however often, never promotes it.
         */
        @Override
        public boolean promotes(String endpoint, String principal, Object arg) {
            Pool pool = pools.get(endpoint);
            return pool != null && pool.promotedBy(clientId, new Key(principal, arg));
        }

        /** Whether this gate refused a creation. */
        boolean refused() {
            return refused;
        }
    }

    /** An entry HTTP created: its owner (null: shared) and its arg. */
    private record Key(String principal, Object arg) {
    }

    /** Entries HTTP created on one endpoint, oldest first, by client. */
    private final class Pool {
        private final String endpoint;
        /** key → client, in creation order; guarded by this. */
        private final LinkedHashMap<Key, String> owners = new LinkedHashMap<>();
        /** client → its keys, in creation order; guarded by this. */
        private final HashMap<String, LinkedHashSet<Key>> byClient = new HashMap<>();

        Pool(String endpoint) {
            this.endpoint = endpoint;
        }

        /** At most this many candidates are tried per admission: a bound on the work one request can cause. */
        private static final int MAX_TRIES = 16;

        synchronized boolean admit(String clientId, Key key) {
            if (owners.containsKey(key)) {
                return true;
            }
            int tries = 0;
            while (count(clientId) >= perClientShare || owners.size() >= maxNewEntries) {
                if (maxNewEntries == 0 || tries++ >= MAX_TRIES) {
                    return false;
                }
                String from = count(clientId) >= perClientShare ? clientId : heaviest();
                if (!makeRoom(from)) {
                    return false;
                }
            }
            owners.put(key, clientId);
            byClient.computeIfAbsent(clientId, c -> new LinkedHashSet<>()).add(key);
            return true;
        }

        /** Drops the oldest entry of {@code clientId} that is not in use; false when all of its entries are. */
        private boolean makeRoom(String clientId) {
            LinkedHashSet<Key> keys = byClient.get(clientId);
            if (keys == null) {
                return false;
            }
            int tried = 0;
            for (Key key : List.copyOf(keys)) {
                if (tried++ >= MAX_TRIES) {
                    return false;
                }
                Admission.Discarded d = Admission.discard(client, endpoint, key.principal(), key.arg());
                if (d == Admission.Discarded.DISCARDED || d == Admission.Discarded.NOT_ON_PROBATION) {
                    if (d == Admission.Discarded.DISCARDED) {
                        discarded.increment();
                    }
                    forget(key);   // dropped, or promoted by the application: no longer HTTP's
                    return true;
                }
                // IN_USE: fetching or subscribed. ABSENT: admitted but not created yet, or removed and about to be
                // forgotten through its REMOVED event; either way it still counts until then
            }
            return false;
        }

        private int count(String clientId) {
            LinkedHashSet<Key> keys = byClient.get(clientId);
            return keys == null ? 0 : keys.size();
        }

        private String heaviest() {
            String most = null;
            int n = -1;
            for (Map.Entry<String, LinkedHashSet<Key>> e : byClient.entrySet()) {
                if (e.getValue().size() > n) {
                    n = e.getValue().size();
                    most = e.getKey();
                }
            }
            return most;
        }

        /** Whether {@code key} was created by another client than {@code clientId}; if so it is forgotten here. */
        synchronized boolean promotedBy(String clientId, Key key) {
            String owner = owners.get(key);
            if (owner == null || owner.equals(clientId)) {
                return false;
            }
            forget(key);
            return true;
        }

        synchronized void forget(Key key) {
            String owner = owners.remove(key);
            if (owner != null) {
                LinkedHashSet<Key> keys = byClient.get(owner);
                keys.remove(key);
                if (keys.isEmpty()) {
                    byClient.remove(owner);
                }
            }
        }
    }

    long refusedRate() {
        return refusedRate.sum();
    }

    long refusedEntries() {
        return refusedEntries.sum();
    }

    /** Entries on probation dropped to make room for another client's (or the same client's newer) entry. */
    long discardedEntries() {
        return discarded.sum();
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

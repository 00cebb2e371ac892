package dev.querycache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.querycache.spi.Invalidation;
import dev.querycache.spi.SharedLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The store seam: the one place where an entry is looked up, created and removed, and where the levels
 * behind the local one plug in. Policies never touch a store themselves; they dispatch actions through
 * {@link CacheEngine#dispatch}, which lands here.
 *
 * <p>Local level: each endpoint has its own Caffeine cache keyed by the arg itself
 * ({@link EndpointRuntime#store}) whose values are the entries' current states ({@link EntrySnapshot}, each
 * leading to its {@link CacheEntry}), so a hit ({@link #read}) is one {@code getIfPresent} that allocates no
 * key and reads one object besides Caffeine's own, and Caffeine's W-TinyLFU policy sees every read. The
 * compute that changes an entry stores its new state, so the store's value is always the entry's state. {@code maximumSize} is the cache's maximum weight,
 * with the weights {@link CollectionPolicy#weigh} gives. Every change of an entry runs inside the store's
 * compute for its key ({@link #apply}), which re-weighs it atomically with the change; a size eviction
 * runs as an {@link EntryAction.Evict} under Caffeine's eviction lock, and its change is announced once
 * the lock is released ({@link #drainEvicted}).
 *
 * <p>Second level: {@link #load} puts a fetch of an entry that outlives its request behind the
 * {@link SharedLevel}, when there is one, and {@link #invalidating} tells that level about an
 * invalidation made here before it is applied.
 *
 * <p>Thread-safe. {@link #read} and {@link #peek} take no lock and allocate nothing.
 */
final class EntryStore {

    private final List<EndpointRuntime> endpoints = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Change> evicted = new ConcurrentLinkedQueue<>();
    /** Runs inside the compute of every change (index upkeep that must never lag the entry). */
    private final Consumer<Change> inLock;
    /** Announces an eviction's change once no lock is held. */
    private final Consumer<Change> afterEviction;
    /** The second level the instances share, or null. */
    private volatile SharedLevel sharedLevel;

    EntryStore(Consumer<Change> inLock, Consumer<Change> afterEviction) {
        this.inLock = inLock;
        this.afterEviction = afterEviction;
    }

    /** Makes the local store of {@code endpoint}; called once per endpoint while the client is built. */
    Cache<Object, EntrySnapshot> open(EndpointRuntime endpoint) {
        endpoints.add(endpoint);
        MaintenanceExecutor maintenance = new MaintenanceExecutor(this::drainEvicted);
        endpoint.maintenance = maintenance;
        return Caffeine.newBuilder()
                .executor(maintenance)
                .maximumWeight(endpoint.options().maximumSize())
                .weigher((Object key, EntrySnapshot s) -> CollectionPolicy.weigh(key, s.entry))
                .evictionListener(this::onEvicted)
                .build();
    }

    static Object argKey(Object arg) {
        return arg == null ? EndpointRuntime.NULL_ARG : arg;
    }

    /**
     * The hit path's read: the current state of the entry of {@code key}, or null; recorded for the eviction
     * policy; no lock, no allocation.
     */
    static EntrySnapshot read(EndpointRuntime endpoint, Object key) {
        return endpoint.store.getIfPresent(argKey(key));
    }

    /**
     * The entry of {@code key}, or null, for the cache's own bookkeeping (invalidation, state snapshots):
     * not a read in the eviction policy's sense, so never for answering a query. No lock.
     */
    static CacheEntry peek(EndpointRuntime endpoint, Object key) {
        EntrySnapshot s = endpoint.store.policy().getIfPresentQuietly(argKey(key));
        return s == null ? null : s.entry;
    }

    /**
     * Applies {@code action} to the entry of (endpoint, arg) inside the store's compute for the key.
     *
     * @param create make the entry when there is none
     * @param onProbation a created entry is on probation ({@link Admission})
     * @param promote an existing entry on probation becomes an ordinary one (the application used it), once
     *     it holds successfully fetched data
     * @param only apply only while this is the live entry (null: whichever is)
     * @return the change, or null when there was no (matching) entry
     */
    Change apply(EndpointRuntime endpoint, Object arg, boolean create, boolean onProbation, boolean promote,
                 CacheEntry only, EntryAction action) {
        Change[] change = new Change[1];
        endpoint.store.asMap().compute(argKey(arg), (k, current) -> {
            CacheEntry q = current == null ? null : current.entry;
            boolean created = false;
            if (q == null && create) {
                q = new CacheEntry(endpoint, arg);
                if (onProbation) {
                    q.admitOnProbation();
                }
                created = true;
            } else if (q != null && promote && q.onProbation() && q.state().hasSucceeded()) {
                q.promote();   // re-weighed when the compute returns
            }
            if (q == null || (only != null && q != only)) {
                return q == null ? null : q.state();
            }
            Change c = q.dispatch(action);
            c.created = created;
            inLock.accept(c);
            change[0] = c;
            return c.remove ? null : q.state();
        });
        endpoint.maintenance.afterWrite();
        drainEvicted();
        return change[0];
    }

    /**
     * The application used an entry on probation: it becomes an ordinary one, once its data was fetched. A
     * read that joins its first fetch, or reads a failed one, leaves it on probation: page traffic naming
     * made-up keys never competes with the hot entries (a later read of the settled data promotes it).
     */
    void promote(EndpointRuntime endpoint, Object key) {
        endpoint.store.asMap().computeIfPresent(argKey(key), (k, s) -> {
            CacheEntry q = s.entry;
            if (q.state().hasSucceeded()) {
                q.promote();
            }
            return q.state();   // re-weighed
        });
        endpoint.maintenance.afterWrite();
    }

    /** Caffeine evicted an unused entry by size: runs under its eviction lock, so the change is only queued. */
    private void onEvicted(Object key, EntrySnapshot s, RemovalCause cause) {
        if (s == null) {
            return;
        }
        CacheEntry q = s.entry;
        Change c = q.dispatch(new EntryAction.Evict());
        if (c.remove) {
            inLock.accept(c);
            evicted.add(c);
        }
    }

    /** Announces the evictions queued so far; never called under a store lock. */
    private void drainEvicted() {
        Change c;
        while ((c = evicted.poll()) != null) {
            afterEviction.accept(c);
        }
    }

    /** Runs Caffeine's pending maintenance now (entries over maximumSize are evicted) and announces it. */
    void cleanUp() {
        for (EndpointRuntime e : endpoints) {
            e.store.cleanUp();
        }
        drainEvicted();
    }

    /** A snapshot of the entries of {@code endpoint}. */
    List<CacheEntry> entries(EndpointRuntime endpoint) {
        List<CacheEntry> out = new ArrayList<>();
        for (EntrySnapshot s : endpoint.store.asMap().values()) {
            out.add(s.entry);
        }
        return out;
    }

    /** A snapshot of every entry. */
    List<CacheEntry> all() {
        List<CacheEntry> out = new ArrayList<>();
        for (EndpointRuntime e : endpoints) {
            for (EntrySnapshot s : e.store.asMap().values()) {
                out.add(s.entry);
            }
        }
        return out;
    }

    int size() {
        int n = 0;
        for (EndpointRuntime e : endpoints) {
            n += e.store.asMap().size();
        }
        return n;
    }

    // ---------------------------------------------------------------- the second level

    void shareThrough(SharedLevel level) {
        this.sharedLevel = level;
    }

    /**
     * The data of a fetch of {@code q}: {@code upstream} itself, or, for an entry that outlives its request
     * and a whole refresh (not a page), the shared level's copy or its run of {@code upstream}.
     */
    Mono<Object> load(CacheEntry q, FetchRequest request, Mono<Object> upstream) {
        SharedLevel level = sharedLevel;
        if (level == null || !EntryKey.outlivesItsRequest(q.arg) || request.kind() != FetchKind.REFRESH) {
            return upstream;
        }
        return level.load(new SharedEntry(q.endpoint, q.arg), upstream).cast(Object.class);
    }

    /** Tells the second level about an invalidation made here, before it is applied and published. */
    void invalidating(Invalidation i) {
        SharedLevel level = sharedLevel;
        if (level != null) {
            try {
                level.invalidating(i);
            } catch (RuntimeException ignored) {
                // a level must not throw; the local invalidation still stands
            }
        }
    }
}

package dev.querycache;

import com.github.benmanes.caffeine.cache.Cache;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One registered endpoint at run time: its name, fetch behavior, resolved options, counters, and its
 * store: one Caffeine cache of its entries keyed by the arg itself, bounded by the endpoint's
 * maximumSize. The hit path reads it with {@code getIfPresent}, so Caffeine records every read and its
 * eviction policy (W-TinyLFU) sees the real request stream. Thread-safe.
 */
final class EndpointRuntime {

    /** Stands for the {@code null} arg in maps. */
    static final Object NULL_ARG = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String name;
    private final FetchBehavior behavior;
    private final ResolvedOptions options;
    private final Scheduler scheduler;
    /**
     * Each entry's current state by arg key (the state leads to its entry); read and changed only through
     * the store seam, {@link EntryStore}.
     */
    final Cache<Object, EntrySnapshot> store;
    /** The client's polling policy, which keeps this endpoint's entries' polling state. */
    final PollingPolicy polling;
    /** The store's maintenance ({@link EntryStore#open} sets it before the store is built). */
    volatile MaintenanceExecutor maintenance;

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder dedups = new LongAdder();
    final LongAdder fetches = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Fetches that a copy in the shared level answered (no upstream call). */
    final LongAdder sharedLoads = new LongAdder();
    /** REQUEST-scope entries held by requests that have not ended. */
    final AtomicInteger liveRequestEntries = new AtomicInteger();

    EndpointRuntime(String name, FetchBehavior behavior, ResolvedOptions options, Scheduler scheduler,
                    java.util.function.Function<EndpointRuntime, Cache<Object, EntrySnapshot>> storeFactory,
                    PollingPolicy polling) {
        this.polling = polling;
        this.name = name;
        this.behavior = behavior;
        this.options = options;
        this.scheduler = scheduler;
        this.store = storeFactory.apply(this);
    }

    String name() {
        return name;
    }

    FetchBehavior behavior() {
        return behavior;
    }

    ResolvedOptions options() {
        return options;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    QueryScope scope() {
        return options.scope();
    }

    boolean isInfinite() {
        return behavior.isInfinite();
    }

    long nowMillis() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    /** One fetcher call with this endpoint's timeout and retries. */
    <T> Mono<T> attempt(Object arg, Supplier<Mono<T>> call) {
        return Attempts.wrap(name, arg, options, scheduler, call);
    }

    QueryCacheStats stats() {
        return new QueryCacheStats(hits.sum(), misses.sum(), fetches.sum(), dedups.sum(), evictions.sum(), errors.sum());
    }

    @Override
    public String toString() {
        return name;
    }
}

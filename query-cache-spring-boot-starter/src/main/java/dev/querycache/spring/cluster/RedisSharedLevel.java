package dev.querycache.spring.cluster;

import dev.querycache.QueryClient;
import dev.querycache.Tag;
import dev.querycache.spi.Invalidation;
import dev.querycache.spi.SharedLevel;
import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.FetchRun;
import dev.querycache.spring.internal.EndpointTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/*
 * Design notes (keys: SharedKeys).
 *
 * A load sends two scripts at once: one in the entry's slot answers the copy if there is one (its expiry
 * extended when it lives by keepUnusedDataFor; its size checked before it is read), else takes the lease
 * (SET NX PX fetchTimeout), else answers the lease's remaining time; the other, in the invalidation
 * record's slot, answers the record's epoch and generation (the snapshot).
 *
 * A copy carries the epoch and generation of the snapshot taken before its fetch started, and the record's
 * fields it depends on (its endpoint, its caller's, its tags and tag types). An invalidation bumps the
 * generation and writes it into the fields it matches. A copy is served only if the record still has its
 * epoch (Redis, or the slot holding the record, did not lose its data) and none of its fields, nor the
 * floor, is above its generation: when the snapshot's generation equals the copy's, nothing was
 * invalidated since its fetch started and the copy is served at once; otherwise one more script checks its
 * fields. So whether a copy is readable never depends on an index that could expire or be missed.
 *
 * The record is bounded: past MAX_FIELDS fields, they are dropped and the floor is raised to the current
 * generation (every older copy becomes unreadable once: a refetch each, never a stale copy). An entry's
 * own invalidation deletes its copy and its lease (a holder then cannot store what it fetched), and
 * announces on "ready" so waiters ask again at once.
 *
 * The bus publishes an invalidation only after its script answered (barrier()), so no instance reads a
 * copy the invalidation matched once it is announced. Redis failing marks the level down (the failure
 * named as what it is): loads fetch locally until a ping every reconcile interval answers again; an
 * invalidation that could not reach Redis meanwhile raises the floor first.
 *
 * Every Redis answer is handed to a parallel worker before anything else runs, so no fetcher, copy decode
 * or callback ever runs on a Redis client's I/O thread.
 */
/**
 * The Redis second level of every instance ({@code query-cache.cluster.shared.enabled}): one upstream fetch
 * per key across the cluster, copies typed back from each endpoint's declared types and shared only when
 * they read back equal. Works on one node, Sentinel and Redis Cluster. Thread-safe.
 */
public final class RedisSharedLevel implements SharedLevel {

    private static final Log log = LogFactory.getLog(RedisSharedLevel.class);
    /** Fields of the invalidation record beyond which it is emptied and its floor raised. */
    static final int MAX_FIELDS = 10_000;
    private static final int SLOW_IN_A_ROW_IS_DOWN = 3;
    /** How long the announcement of an invalidation made while Redis was down waits for Redis to come back. */
    private static final Duration RECOVERY_WAIT_LIMIT = Duration.ofSeconds(30);

    private final ReactiveRedisConnectionFactory factory;
    private final ScriptCalls scripts;
    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper mapper;
    private final ObjectProvider<QueryClient> client;
    private final SharedKeys keys;
    private final long maxValueBytes;
    private final Duration commandTimeout;
    private final Duration recheckInterval;
    private final Set<String> excluded;
    /** This instance's lease token, and the epoch it proposes when the record has none. */
    private final String token = UUID.randomUUID().toString();

    private final ConcurrentHashMap<String, Sinks.Empty<Void>> waiting = new ConcurrentHashMap<>();
    private final RedisAvailability availability = new RedisAvailability(SLOW_IN_A_ROW_IS_DOWN, false);
    private final Set<String> keptLocalWarned = ConcurrentHashMap.newKeySet();
    /**
     * Endpoints whose fetcher answered empty on this instance. A copy whose data is {@code null} is served only
     * for these: for any other it was not written by query-cache (or not for this endpoint), so it is refused
     * and the entry fetched here, which adds the endpoint if its fetcher does answer empty.
     */
    private final Set<String> endpointsAnsweringEmpty = ConcurrentHashMap.newKeySet();
    private final RateLimitedWarning unreadable = new RateLimitedWarning(log, 60, TimeUnit.SECONDS, System::nanoTime);
    private final RateLimitedWarning oversized = new RateLimitedWarning(log, 60, TimeUnit.SECONDS, System::nanoTime);
    private final RateLimitedWarning commandErrors = new RateLimitedWarning(log, 60, TimeUnit.SECONDS, System::nanoTime);
    /** The "ready" listener's containers, closed when their subscription ends. */
    private final ContainerClosing closing = new ContainerClosing();
    private volatile Mono<Void> barrier = Mono.empty();
    private volatile Disposable listening;
    private volatile Disposable checking;
    private volatile boolean stopped;
    /** Set when an invalidation could not reach Redis: copies it matched may still be readable there. */
    private volatile boolean dirty;
    /** Completes when sharing resumes after an outage (the floor raised first when dirty); replaced at each outage. */
    private volatile Sinks.Empty<Void> recovered = Sinks.empty();

    final AtomicLong sharedHits = new AtomicLong();
    final AtomicLong leaseWaits = new AtomicLong();
    final AtomicLong takeovers = new AtomicLong();
    final AtomicLong keptLocal = new AtomicLong();

    public RedisSharedLevel(ReactiveRedisConnectionFactory factory, JsonMapper mapper, ObjectProvider<QueryClient> client,
                            String prefix, long maxValueBytes, Duration commandTimeout, Duration recheckInterval,
                            Set<String> excluded) {
        this.factory = factory;
        this.redis = new ReactiveStringRedisTemplate(factory);
        this.scripts = new ScriptCalls(factory, redis);
        this.mapper = mapper;
        this.client = client;
        this.keys = new SharedKeys(prefix, mapper);
        this.maxValueBytes = maxValueBytes;
        this.commandTimeout = commandTimeout;
        this.recheckInterval = recheckInterval;
        this.excluded = Set.copyOf(excluded);
    }

    // ------------------------------------------------------------------------------------ lifecycle

    /** Starts listening for "ready" messages and checking Redis while it is down. */
    public void start() {
        listening = Flux.defer(() -> {
                    ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(factory);
                    return container.receive(ChannelTopic.of(keys.readyChannel))
                            .map(m -> m.getMessage())
                            .doFinally(s -> closing.close(container));
                })
                .subscribeOn(Schedulers.boundedElastic())   // the container takes the factory's lock (see ScriptCalls)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)))
                .repeat()
                .publishOn(Schedulers.parallel())
                .subscribe(this::ready, e -> { });
        checking = Flux.interval(recheckInterval, recheckInterval)
                .onBackpressureDrop()
                .filter(t -> availability.isDown())
                .concatMap(t -> redis.execute(c -> c.ping()).next()
                        .subscribeOn(Schedulers.boundedElastic())   // the template takes the factory's lock (see ScriptCalls)
                        .timeout(commandTimeout)
                        .publishOn(Schedulers.parallel())
                        .doOnNext(p -> markUp())
                        .onErrorResume(e -> Mono.empty()))
                .subscribe();
    }

    /**
     * Stops sharing: loads from now on fetch locally (those waiting for another instance's fetch stop
     * waiting), the "ready" listener stops and its connection is closed before this returns (waiting at
     * most the command timeout), so that nothing of this level still uses the connection factory when it
     * stops ({@link StopBeforeConnectionFactory} calls this first). Invalidations still reach Redis, best
     * effort. Idempotent.
     */
    public void stop() {
        stopped = true;
        Disposable l = listening;
        Disposable c = checking;
        if (c != null) {
            c.dispose();
        }
        if (l != null) {
            l.dispose();
        }
        waiting.values().forEach(Sinks.Empty::tryEmitEmpty);
        closing.awaitClosed(commandTimeout);
    }

    /** The key prefix, for the startup line. */
    String keyPrefix() {
        return keys.prefix;
    }

    private void ready(String copyKey) {
        Sinks.Empty<Void> w = waiting.remove(copyKey);
        if (w != null) {
            w.tryEmitEmpty();
        }
    }

    // ------------------------------------------------------------------------------------ load

    @Override
    public Mono<Loaded> load(Entry entry, Mono<Object> fetch) {
        if (excluded.contains(entry.endpoint()) || availability.isDown() || stopped) {
            return local(entry, fetch);
        }
        String[] entryKeys;
        try {
            entryKeys = keys.entry(entry.endpoint(), entry.principal(), entry.arg());
        } catch (RuntimeException e) {
            return local(entry, fetch);   // an arg Jackson cannot write has no shared key
        }
        long deadline = System.nanoTime() + 3 * entry.fetchTimeout().toNanos();
        return Mono.defer(() -> barrier).then(attempt(entry, entryKeys, fetch, true, deadline));
    }

    private Mono<Loaded> local(Entry entry, Mono<Object> fetch) {
        return fetch.map(d -> new Loaded(d, 0, false)).switchIfEmpty(Mono.fromSupplier(() -> answeredEmpty(entry, 0)));
    }   // how it ran stays "local" (or what a wait before it noted)

    /** An empty answer of this entry's fetcher, remembered: a copy of {@code null} is served for its endpoint from now on. */
    private Loaded answeredEmpty(Entry entry, long at) {
        endpointsAnsweringEmpty.add(entry.endpoint());
        return new Loaded(null, at, false);
    }

    /** One script call, its answer handed to a parallel worker (never continuing on Redis's I/O thread). */
    private Mono<List<String>> call(RedisScript<List> script, List<String> scriptKeys, List<String> args) {
        return Mono.fromFuture(() -> scripts.call(script, scriptKeys, args, commandTimeout))
                .publishOn(Schedulers.parallel());
    }

    private Mono<Loaded> attempt(Entry entry, String[] entryKeys, Mono<Object> fetch, boolean read, long deadline) {
        return Mono.defer(() -> {
            if (availability.isDown() || stopped || System.nanoTime() - deadline > 0) {
                return local(entry, fetch);
            }
            String copyKey = entryKeys[0];
            Sinks.Empty<Void> told = waiting.computeIfAbsent(copyKey, k -> Sinks.empty());
            Mono<List<String>> readOrLease = call(SharedScripts.READ_OR_LEASE, List.of(entryKeys[0], entryKeys[1]),
                    List.of(token, Long.toString(Math.max(1, entry.fetchTimeout().toMillis())),
                            Long.toString(extendMillis(entry)), read ? "1" : "0", Long.toString(maxValueBytes)));
            Mono<List<String>> snapshot = call(SharedScripts.SNAPSHOT, List.of(keys.meta), List.of(token));
            return Mono.zip(readOrLease, snapshot)
                    .doOnNext(r -> answered())
                    .onErrorResume(e -> {
                        failed(e);
                        return Mono.empty();
                    })
                    .flatMap(r -> {
                        List<String> answer = r.getT1();
                        Snapshot s = new Snapshot(r.getT2().get(0), Long.parseLong(r.getT2().get(1)));
                        return switch (answer.get(0)) {
                            case "copy" -> {
                                waiting.remove(copyKey, told);
                                yield served(entry, copyKey, answer.get(1), s)
                                        .switchIfEmpty(attempt(entry, entryKeys, fetch, false, deadline));
                            }
                            case "lease" -> {
                                waiting.remove(copyKey, told);
                                yield fetchAndShare(entry, entryKeys, fetch, s);
                            }
                            case "wait" -> {
                                leaseWaits.incrementAndGet();
                                yield FetchRun.noting(FetchRun::waited, awaitLease(entry, told, copyKey, answer.get(1), deadline))
                                        .then(attempt(entry, entryKeys, fetch, true, deadline));
                            }
                            default -> {   // "big": a copy too large to read
                                waiting.remove(copyKey, told);
                                oversized.warn(() -> "query-cache skipped a shared copy of " + answer.get(1) + " bytes of "
                                        + "endpoint '" + entry.endpoint() + "' (over query-cache.cluster.shared."
                                        + "max-value-size, " + maxValueBytes + " bytes) and fetches it here");
                                yield local(entry, fetch);
                            }
                        };
                    })
                    .switchIfEmpty(Mono.defer(() -> {   // Redis failed: this load fetches locally
                        waiting.remove(copyKey, told);
                        return local(entry, fetch);
                    }));
        });
    }

    /**
     * Waits for the holder's "ready", at most until its lease runs out, and never longer at a time than
     * this entry's own fetchTimeout: a lease deleted or set by hand for an hour is noticed at the next
     * attempt, and the deadline (three of this entry's fetchTimeouts) bounds the whole wait.
     */
    private Mono<Void> awaitLease(Entry entry, Sinks.Empty<Void> told, String copyKey, String leaseLeft, long deadline) {
        long left = Math.max(1, parseLong(leaseLeft, entry.fetchTimeout().toMillis()));
        long own = Math.max(1, entry.fetchTimeout().toMillis());
        long untilDeadline = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        long wait = Math.min(Math.min(left + 50, own + 50), untilDeadline);
        return told.asMono()
                .timeout(Duration.ofMillis(wait), Mono.deferContextual(ctx -> {
                    if (left + 50 <= wait) {
                        takeovers.incrementAndGet();
                        if (ctx.getOrDefault(FetchRun.KEY, null) instanceof FetchRun run) {
                            run.tookOver();
                        }
                    }
                    waiting.remove(copyKey, told);
                    return Mono.empty();
                }))
                .publishOn(Schedulers.parallel());
    }

    /** The invalidation record's epoch and generation when a load started. */
    private record Snapshot(String epoch, long generation) {
    }

    /** The copy typed back when it is readable (fresh and matched by no invalidation since its fetch), else empty. */
    private Mono<Loaded> served(Entry entry, String copyKey, String json, Snapshot now) {
        SharedCopy copy;
        try {
            copy = SharedCopy.parse(mapper, json);
        } catch (RuntimeException e) {
            unreadable.warn(() -> "query-cache skipped an unreadable shared copy " + copyKey + " of endpoint '"
                    + entry.endpoint() + "' and fetches it again: " + e.getMessage());
            return Mono.empty();
        }
        if (!java.util.Objects.equals(copy.principal(), entry.principal())) {
            unreadable.warn(() -> "query-cache refused a shared copy " + copyKey + " of endpoint '" + entry.endpoint()
                    + "': it belongs to another caller (written there by someone else than query-cache); fetched again");
            return Mono.empty();
        }
        if (copy.data().isNull() && !endpointsAnsweringEmpty.contains(entry.endpoint())) {
            unreadable.warn(() -> "query-cache refused a shared copy " + copyKey + " of endpoint '" + entry.endpoint()
                    + "' whose data is null: its fetcher has not answered empty here (written by someone else than "
                    + "query-cache?); fetched again");
            return Mono.empty();
        }
        Duration stale = entry.staleTime();
        if (stale != null && System.currentTimeMillis() - copy.at() >= stale.toMillis()) {
            return Mono.empty();
        }
        Mono<Boolean> readable;
        if (copy.epoch().equals(now.epoch()) && copy.generation() == now.generation()) {
            readable = Mono.just(true);   // nothing invalidated since its fetch started
        } else if (!copy.epoch().equals(now.epoch())) {
            readable = Mono.just(false);   // the record was lost (flushed, its node restarted): the copy cannot be proven fresh
        } else {
            List<String> args = new ArrayList<>(copy.fields().size() + 2);
            args.add(copy.epoch());
            args.add(Long.toString(copy.generation()));
            args.addAll(copy.fields());
            readable = call(SharedScripts.CHECK, List.of(keys.meta), args).map(r -> "1".equals(r.get(0)))
                    .onErrorResume(e -> {
                        failed(e);
                        return Mono.just(false);
                    });
        }
        return readable.flatMap(ok -> ok ? decode(entry, copyKey, copy) : Mono.empty());
    }

    private Mono<Loaded> decode(Entry entry, String copyKey, SharedCopy copy) {
        try {
            EndpointTypes.Types types = EndpointTypes.of(client.getObject(), entry.endpoint());
            Object data = DataJson.read(mapper, types, copy.data());
            sharedHits.incrementAndGet();
            return FetchRun.noting(FetchRun::sharedCopy, Mono.just(new Loaded(data, copy.at(), true)));
        } catch (RuntimeException e) {
            unreadable.warn(() -> "query-cache skipped an unreadable shared copy " + copyKey + " of endpoint '"
                    + entry.endpoint() + "' and fetches it again: " + e.getMessage());
            return Mono.empty();
        }
    }

    /** This instance holds the lease: fetch, keep a lossless copy for the others, give the lease back. */
    private Mono<Loaded> fetchAndShare(Entry entry, String[] entryKeys, Mono<Object> fetch, Snapshot snapshot) {
        return FetchRun.noting(FetchRun::leaseHolder, fetch)
                .map(data -> new Loaded(data, System.currentTimeMillis(), false))
                .switchIfEmpty(Mono.fromSupplier(() -> answeredEmpty(entry, System.currentTimeMillis())))
                .doOnNext(loaded -> store(entry, entryKeys, snapshot, loaded))
                .doOnError(e -> giveBack(entryKeys));
    }

    private void store(Entry entry, String[] entryKeys, Snapshot snapshot, Loaded loaded) {
        String value = copyOf(entry, snapshot, loaded);   // "" keeps it local: the script then only gives the lease back
        Mono.fromFuture(() -> scripts.call(SharedScripts.STORE, List.of(entryKeys[0], entryKeys[1]),
                        List.of(token, value, Long.toString(ttlMillis(entry)), keys.readyChannel), commandTimeout))
                .subscribe(stored -> answered(), this::failed);
    }

    /** The copy's JSON, or "" when it stays local (too large, not lossless; logged once per endpoint). */
    private String copyOf(Entry entry, Snapshot snapshot, Loaded loaded) {
        String value;
        try {
            List<String> fields = keys.fieldsOf(entry.endpoint(), entry.principal(), entry.providedTags(loaded.data()));
            value = SharedCopy.write(mapper, EndpointTypes.of(client.getObject(), entry.endpoint()),
                    loaded.fulfilledAtMillis(), snapshot.epoch(), snapshot.generation(), fields, entry.principal(),
                    loaded.data());
        } catch (SharedCopy.NotShareable e) {
            return keptLocal(entry, e.getMessage());
        } catch (RuntimeException e) {
            return keptLocal(entry, "their copies cannot be made (" + e + ")");
        }
        if (value.length() > maxValueBytes || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxValueBytes) {
            return keptLocal(entry, "a value of " + value.length() + " characters is over "
                    + "query-cache.cluster.shared.max-value-size (" + maxValueBytes + " bytes)");
        }
        return value;
    }

    private String keptLocal(Entry entry, String why) {
        keptLocal.incrementAndGet();
        if (keptLocalWarned.add(entry.endpoint())) {
            log.warn("query-cache keeps entries of endpoint '" + entry.endpoint() + "' local: " + why);
        }
        return "";
    }

    private void giveBack(String[] entryKeys) {
        Mono.fromFuture(() -> scripts.call(SharedScripts.STORE, List.of(entryKeys[0], entryKeys[1]),
                        List.of(token, "", "0", keys.readyChannel), commandTimeout))
                .subscribe(n -> answered(), this::failed);
    }

    // ------------------------------------------------------------------------------------ invalidation

    @Override
    public void invalidating(Invalidation invalidation) {
        if (availability.isDown()) {
            // copies it matched may still be readable: the floor is raised before sharing resumes, and the bus
            // announces this invalidation only after that (or after the limit, should Redis stay away)
            dirty = true;
            barrier = recovered.asMono().timeout(RECOVERY_WAIT_LIMIT, Mono.empty());
            return;
        }
        Mono<List<String>> call;
        if (invalidation.kind() == Invalidation.Kind.ENTRY) {
            String[] entryKeys;
            try {
                entryKeys = keys.entry(invalidation.endpoint(), invalidation.principal(), invalidation.arg());
            } catch (RuntimeException e) {
                entryKeys = null;   // an arg that cannot be keyed: the whole endpoint, below
            }
            call = entryKeys != null
                    ? invalidateEntry(entryKeys)
                    : invalidateFields(List.of(SharedKeys.endpointField(invalidation.endpoint(), null)));
        } else if (invalidation.kind() == Invalidation.Kind.TAGS) {
            List<String> fields = new ArrayList<>();
            for (Tag t : invalidation.tags()) {
                fields.add(keys.tagField(t));
            }
            call = invalidateFields(fields);
        } else {
            call = invalidateFields(List.of(SharedKeys.endpointField(invalidation.endpoint(), invalidation.principal())));
        }
        Mono<Void> done = call
                .onErrorResume(e -> {
                    dirty = true;   // it may not have reached Redis: sharing stops until the floor is raised
                    stopSharing(e, availability.failedForSure());
                    return Mono.empty();
                })
                .then()
                .cache();
        barrier = done;
        done.subscribe();
    }

    private Mono<List<String>> invalidateEntry(String[] entryKeys) {
        return Mono.fromFuture(() -> scripts.call(SharedScripts.INVALIDATE_ENTRY, List.of(entryKeys[0], entryKeys[1]),
                List.of(keys.readyChannel), commandTimeout));
    }

    private Mono<List<String>> invalidateFields(List<String> fields) {
        List<String> args = new ArrayList<>(fields.size() + 1);
        args.add(Integer.toString(MAX_FIELDS));
        args.addAll(fields);
        return Mono.fromFuture(() -> scripts.call(SharedScripts.INVALIDATE, List.of(keys.meta), args, commandTimeout));
    }

    /** Completes when every invalidation told so far has reached Redis (or failed): the bus publishes after it. */
    Mono<Void> barrier() {
        return barrier;
    }

    // ------------------------------------------------------------------------------------ lifetimes

    /** A copy lives staleTime (it is useless after), else keepUnusedDataFor (extended on each read), else until invalidated. */
    private static long ttlMillis(Entry entry) {
        if (entry.staleTime() != null) {
            return Math.max(1, entry.staleTime().toMillis());
        }
        return entry.keepUnusedDataFor() == null ? 0 : Math.max(1, entry.keepUnusedDataFor().toMillis());
    }

    private static long extendMillis(Entry entry) {
        return entry.staleTime() == null && entry.keepUnusedDataFor() != null
                ? Math.max(1, entry.keepUnusedDataFor().toMillis()) : 0;
    }

    private static long parseLong(Object o, long otherwise) {
        try {
            return Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    // ------------------------------------------------------------------------------------ up / down

    private void answered() {
        availability.answered();
    }

    /**
     * A command failed; its load fetches locally. No connection, or an error that concerns the whole server,
     * stops sharing at once (logged once, as what it is); an error reply to this one command (WRONGTYPE on
     * one key, say) is logged as itself at most once a minute; a command without an answer within the
     * timeout costs only its own load, unless several in a row did: then Redis is slow, which costs the
     * same as down.
     */
    private void failed(Throwable e) {
        boolean tookItDown = availability.failed(e);
        if (!tookItDown && !availability.isDown() && !RedisErrors.isTimeout(e)) {
            commandErrors.warn(() -> "query-cache fetches an entry locally: " + RedisErrors.describe(e)
                    + " (shared entries are still served; this line at most once a minute)");
        }
        stopSharing(e, tookItDown);
    }

    private void stopSharing(Throwable e, boolean tookItDown) {
        if (tookItDown) {
            recovered = Sinks.empty();
            log.warn("query-cache stops sharing entries through Redis: " + RedisErrors.describe(e) + "; each instance "
                    + "fetches and caches for itself until Redis answers again");
            waiting.values().forEach(Sinks.Empty::tryEmitEmpty);
            waiting.clear();
        }
    }

    /**
     * Redis answers again. When an invalidation was missed meanwhile, the record's floor is raised first
     * (which copies it matched is unknown): a refetch each, never a stale copy.
     */
    private void markUp() {
        if (!availability.isDown()) {
            return;
        }
        Mono<?> flush = dirty
                ? Mono.fromFuture(() -> scripts.call(SharedScripts.INVALIDATE, List.of(keys.meta), List.of("0"), commandTimeout))
                : Mono.empty();
        // never from Lettuce's event loop: the factory's lock, taken to hand out a connection, may be held by a
        // thread that waits for this very event loop (the factory closing)
        flush.subscribeOn(Schedulers.boundedElastic()).subscribe(n -> { }, e -> { }, () -> {
            dirty = false;
            if (availability.recovered()) {
                log.info("query-cache reached Redis again; entries are shared again");
            }
            recovered.tryEmitEmpty();
        });
    }

    /** Failed Redis commands so far. */
    long failureCount() {
        return availability.failures();
    }

    /** Whether shared entries are served from Redis now: it answers, and this level has not stopped. */
    boolean isUp() {
        return !availability.isDown() && !stopped;
    }
}

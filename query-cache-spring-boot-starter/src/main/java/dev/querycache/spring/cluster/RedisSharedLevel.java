package dev.querycache.spring.cluster;

import dev.querycache.spi.Invalidation;
import dev.querycache.QueryClient;
import dev.querycache.spi.SharedLevel;
import dev.querycache.Tag;
import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.internal.StableJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/*
 * Design notes.
 *
 * Keys, under the prefix P: the copy of an entry "P c:<endpoint>:<sha-256 of caller and arg>" (JSON
 * {"at": epoch ms, "data": ...}); its lease "P l:..." (same suffix); the invalidation generation "P gen";
 * index sets "P t:<type>" and "P t:<type>#<id JSON>" (copies providing a tag), "P e:<endpoint>" and
 * "P e:<endpoint>@<caller>" (copies of an endpoint, of one caller). The channel "P ready" announces that
 * a lease was given back (with or without a copy).
 *
 * A load runs one script: the copy if there is one (its expiry extended when it lives by
 * keepUnusedDataFor), else the lease (SET NX PX fetchTimeout) together with the generation, else the
 * lease's remaining time. The holder fetches, then one script stores the copy only if the generation has
 * not moved (no invalidation happened since the lease was taken: the copy cannot be older than one), adds
 * it to its index sets, gives the lease back and publishes "ready". The others wait for "ready" (or for
 * the lease to expire: a holder that crashed or hangs loses it after fetchTimeout) and run the script again.
 *
 * An invalidation made here first runs one script that bumps the generation and deletes the copies its
 * index sets name; the bus publishes only after that (barrier()), and loads started after it wait for it,
 * so no instance reads a copy the invalidation matched.
 *
 * Redis failing (an error or no answer within the command timeout) marks the level down: every load then
 * fetches locally, without Redis, until a ping every reconcile interval answers again. One log line per outage.
 */
/**
 * The Redis second level of every instance ({@code query-cache.cluster.shared.enabled}): one upstream fetch
 * per key across the cluster, copies typed back from each endpoint's declared types. Thread-safe.
 */
public final class RedisSharedLevel implements SharedLevel {

    private static final Log log = LogFactory.getLog(RedisSharedLevel.class);

    private static final RedisScript<List> READ_OR_LEASE = RedisScript.of("""
            if ARGV[4] == '1' then
              local v = redis.call('GET', KEYS[1])
              if v then
                if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
                return {'copy', v}
              end
            end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return {'lease', redis.call('GET', KEYS[3]) or '0'}
            end
            return {'wait', tostring(redis.call('PTTL', KEYS[2]))}
            """, List.class);

    private static final RedisScript<Long> STORE = RedisScript.of("""
            local stored = 0
            if (redis.call('GET', KEYS[3]) or '0') == ARGV[2] and ARGV[3] ~= '' then
              local ttl = tonumber(ARGV[4])
              if ttl > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl) else redis.call('SET', KEYS[1], ARGV[3]) end
              for i = 4, #KEYS do
                local added = redis.call('SADD', KEYS[i], KEYS[1])
                local left = redis.call('PTTL', KEYS[i])
                if ttl <= 0 then
                  redis.call('PERSIST', KEYS[i])
                elseif (left == -1 and added == 1 and redis.call('SCARD', KEYS[i]) == 1) or (left >= 0 and left < ttl) then
                  redis.call('PEXPIRE', KEYS[i], ttl)
                end
              end
              stored = 1
            end
            if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
            redis.call('PUBLISH', ARGV[5], KEYS[1])
            return stored
            """, Long.class);

    private static final RedisScript<Long> INVALIDATE = RedisScript.of("""
            local n = 0
            redis.call('INCR', KEYS[1])
            for i = 2, #KEYS do
              local k = KEYS[i]
              if redis.call('TYPE', k)['ok'] == 'set' then
                for _, m in ipairs(redis.call('SMEMBERS', k)) do n = n + redis.call('DEL', m) end
              end
              n = n + redis.call('DEL', k)
            end
            return n
            """, Long.class);

    private final ReactiveRedisConnectionFactory factory;
    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper mapper;
    private final ObjectProvider<QueryClient> client;
    private final String prefix;
    private final String readyChannel;
    private final String genKey;
    private final long maxValueBytes;
    private final Duration commandTimeout;
    private final Duration recheckInterval;
    private final Set<String> excluded;

    private final ConcurrentHashMap<String, Sinks.Empty<Void>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final Set<String> keptLocalWarned = ConcurrentHashMap.newKeySet();
    private final RateLimitedWarning unreadable = new RateLimitedWarning(log, 60, TimeUnit.SECONDS, System::nanoTime);
    private volatile Mono<Void> barrier = Mono.empty();
    private volatile Disposable listening;
    private volatile Disposable checking;

    final AtomicLong sharedHits = new AtomicLong();
    final AtomicLong leaseWaits = new AtomicLong();
    final AtomicLong takeovers = new AtomicLong();
    final AtomicLong keptLocal = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    public RedisSharedLevel(ReactiveRedisConnectionFactory factory, JsonMapper mapper, ObjectProvider<QueryClient> client,
                            String prefix, long maxValueBytes, Duration commandTimeout, Duration recheckInterval,
                            Set<String> excluded) {
        this.factory = factory;
        this.redis = new ReactiveStringRedisTemplate(factory);
        this.mapper = mapper;
        this.client = client;
        this.prefix = prefix;
        this.readyChannel = prefix + "ready";
        this.genKey = prefix + "gen";
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
                    return container.receive(ChannelTopic.of(readyChannel))
                            .map(m -> m.getMessage())
                            .doFinally(s -> closing.close(container));
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)))
                .repeat()
                .subscribe(this::ready, e -> { });
        checking = Flux.interval(recheckInterval, recheckInterval)
                .onBackpressureDrop()
                .filter(t -> down.get())
                .concatMap(t -> redis.execute(c -> c.ping()).next()
                        .timeout(commandTimeout)
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

    private volatile boolean stopped;
    /** The "ready" listener's containers, closed when their subscription ends. */
    private final ContainerClosing closing = new ContainerClosing();

    private void ready(String copyKey) {
        Sinks.Empty<Void> w = waiting.remove(copyKey);
        if (w != null) {
            w.tryEmitEmpty();
        }
    }

    // ------------------------------------------------------------------------------------ load

    @Override
    public Mono<Loaded> load(Entry entry, Mono<Object> fetch) {
        if (excluded.contains(entry.endpoint()) || down.get() || stopped) {
            return local(fetch);
        }
        String suffix;
        try {
            suffix = suffix(entry.endpoint(), entry.principal(), entry.arg());
        } catch (RuntimeException e) {
            return local(fetch);   // an arg Jackson cannot write has no shared key
        }
        long deadline = System.nanoTime() + 3 * entry.fetchTimeout().toNanos();
        return Mono.defer(() -> barrier).then(attempt(entry, suffix, fetch, true, deadline));
    }

    private static Mono<Loaded> local(Mono<Object> fetch) {
        return fetch.map(d -> new Loaded(d, 0, false)).defaultIfEmpty(new Loaded(null, 0, false));
    }

    private Mono<Loaded> attempt(Entry entry, String suffix, Mono<Object> fetch, boolean read, long deadline) {
        return Mono.defer(() -> {
            if (down.get() || stopped || System.nanoTime() - deadline > 0) {
                return local(fetch);
            }
            String copyKey = prefix + "c:" + suffix;
            Sinks.Empty<Void> told = waiting.computeIfAbsent(copyKey, k -> Sinks.empty());
            long extend = extendMillis(entry);
            return redis.execute(READ_OR_LEASE, List.of(copyKey, prefix + "l:" + suffix, genKey),
                            List.of(token, Long.toString(Math.max(1, entry.fetchTimeout().toMillis())),
                                    Long.toString(extend), read ? "1" : "0"))
                    .next()
                    .timeout(commandTimeout)
                    .<List<?>>map(r -> (List<?>) r)
                    .doOnNext(r -> answered())
                    .onErrorResume(e -> {
                        failed(e);
                        return Mono.just(List.<Object>of("down"));
                    })
                    .flatMap(r -> switch (String.valueOf(r.get(0))) {
                        case "copy" -> {
                            waiting.remove(copyKey, told);
                            Loaded copy = decode(entry, copyKey, String.valueOf(r.get(1)));
                            yield copy != null ? Mono.just(copy) : attempt(entry, suffix, fetch, false, deadline);
                        }
                        case "lease" -> {
                            waiting.remove(copyKey, told);
                            yield fetchAndShare(entry, suffix, copyKey, fetch, String.valueOf(r.get(1)));
                        }
                        case "wait" -> {
                            leaseWaits.incrementAndGet();
                            long left = Math.max(1, parseLong(r.get(1), entry.fetchTimeout().toMillis()));
                            yield told.asMono()
                                    .timeout(Duration.ofMillis(left + 50), Mono.fromRunnable(() -> {
                                        takeovers.incrementAndGet();
                                        waiting.remove(copyKey, told);
                                    }))
                                    .then(attempt(entry, suffix, fetch, true, deadline));
                        }
                        default -> {
                            waiting.remove(copyKey, told);
                            yield local(fetch);
                        }
                    });
        });
    }

    /** This instance holds the lease: fetch, keep the copy for the others (when no invalidation came meanwhile), give the lease back. */
    private Mono<Loaded> fetchAndShare(Entry entry, String suffix, String copyKey, Mono<Object> fetch, String generation) {
        String leaseKey = prefix + "l:" + suffix;
        return fetch
                .map(data -> new Loaded(data, System.currentTimeMillis(), false))
                .defaultIfEmpty(new Loaded(null, System.currentTimeMillis(), false))
                .doOnNext(loaded -> store(entry, copyKey, leaseKey, generation, loaded))
                .doOnError(e -> giveBack(copyKey, leaseKey));
    }

    private void store(Entry entry, String copyKey, String leaseKey, String generation, Loaded loaded) {
        String value = copyOf(entry, loaded);   // "" keeps it local: the script then only gives the lease back
        List<String> keys = new ArrayList<>(List.of(copyKey, leaseKey, genKey));
        if (!value.isEmpty()) {
            keys.addAll(indexKeys(entry, entry.providedTags(loaded.data())));
        }
        redis.execute(STORE, keys, List.of(token, generation, value, Long.toString(ttlMillis(entry)), readyChannel))
                .next()
                .timeout(commandTimeout)
                .subscribe(stored -> answered(), this::failed);
    }

    /** The copy's JSON, or "" when it stays local (too large, or not writable as JSON; logged once per endpoint). */
    private String copyOf(Entry entry, Loaded loaded) {
        String value;
        try {
            ObjectNode n = mapper.createObjectNode();
            n.put("at", loaded.fulfilledAtMillis());
            n.set("data", DataJson.tree(mapper, loaded.data()));
            value = mapper.writeValueAsString(n);
        } catch (RuntimeException e) {
            return keptLocal(entry, "their data cannot be written as JSON (" + e.getMessage() + ")");
        }
        if (value.length() > maxValueBytes || value.getBytes(StandardCharsets.UTF_8).length > maxValueBytes) {
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

    private void giveBack(String copyKey, String leaseKey) {
        redis.execute(STORE, List.of(copyKey, leaseKey, genKey), List.of(token, "-", "", "0", readyChannel))
                .next()
                .timeout(commandTimeout)
                .subscribe(n -> answered(), this::failed);
    }

    /** A copy typed back, or null when it is stale by the endpoint's staleTime or unreadable (logged). */
    private Loaded decode(Entry entry, String copyKey, String json) {
        try {
            JsonNode n = mapper.readTree(json);
            long at = n.get("at").asLong();
            Duration stale = entry.staleTime();
            if (stale != null && System.currentTimeMillis() - at >= stale.toMillis()) {
                return null;
            }
            EndpointTypes.Types types = EndpointTypes.of(client.getObject(), entry.endpoint());
            Object data = DataJson.read(mapper, types, n.get("data"));
            sharedHits.incrementAndGet();
            return new Loaded(data, at, true);
        } catch (RuntimeException e) {
            unreadable.warn(() -> "query-cache skipped an unreadable shared copy " + copyKey + " of endpoint '"
                    + entry.endpoint() + "' and fetches it again: " + e.getMessage());
            return null;
        }
    }

    // ------------------------------------------------------------------------------------ invalidation

    @Override
    public void invalidating(Invalidation invalidation) {
        if (down.get()) {
            dirty = true;   // copies it matched may still be in Redis: flushed before sharing resumes
            return;
        }
        List<String> keys = new ArrayList<>();
        keys.add(genKey);
        try {
            switch (invalidation.kind()) {
                case TAGS -> {
                    for (Tag t : invalidation.tags()) {
                        keys.add(tagKey(t));
                    }
                }
                case ENTRY -> keys.add(prefix + "c:" + suffix(invalidation.endpoint(), invalidation.principal(), invalidation.arg()));
                default -> keys.add(prefix + "e:" + invalidation.endpoint()
                        + (invalidation.principal() == null ? "" : "@" + invalidation.principal()));
            }
        } catch (RuntimeException e) {
            keys.add(prefix + "e:" + invalidation.endpoint());   // an arg that cannot be keyed: the whole endpoint
        }
        Mono<Void> done = redis.execute(INVALIDATE, keys, List.of())
                .next()
                .timeout(commandTimeout)
                .onErrorResume(e -> {
                    dirty = true;
                    markDown(e);
                    return Mono.empty();
                })
                .then()
                .cache();
        barrier = done;
        done.subscribe();
    }

    /** Completes when every invalidation told so far has reached Redis (or failed): the bus publishes after it. */
    Mono<Void> barrier() {
        return barrier;
    }

    // ------------------------------------------------------------------------------------ keys

    private final String token = UUID.randomUUID().toString();

    private String suffix(String endpoint, String principal, Object arg) {
        String argJson = StableJson.stringify(mapper.valueToTree(arg));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((principal == null ? "-" : "+" + principal).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(argJson.getBytes(StandardCharsets.UTF_8));
            return endpoint + ":" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String tagKey(Tag t) {
        return t.id() == null ? prefix + "t:" + t.type()
                : prefix + "t:" + t.type() + "#" + StableJson.stringify(mapper.valueToTree(t.id()));
    }

    private List<String> indexKeys(Entry entry, Set<Tag> tags) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(prefix + "e:" + entry.endpoint());
        if (entry.principal() != null) {
            keys.add(prefix + "e:" + entry.endpoint() + "@" + entry.principal());
        }
        for (Tag t : tags) {
            keys.add(prefix + "t:" + t.type());
            if (t.id() != null) {
                keys.add(tagKey(t));
            }
        }
        return new ArrayList<>(keys);
    }

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

    /** Consecutive commands that got no answer within the timeout. */
    private final java.util.concurrent.atomic.AtomicInteger slowInARow = new java.util.concurrent.atomic.AtomicInteger();
    private static final int SLOW_IN_A_ROW_IS_DOWN = 3;

    private void answered() {
        if (slowInARow.get() != 0) {
            slowInARow.set(0);
        }
    }

    /**
     * A command failed. An error (connection refused, reset) marks Redis down at once; a command without an
     * answer within the timeout only sends its own load to the upstream, unless several in a row did: then
     * Redis is slow, which costs the same as down.
     */
    private void failed(Throwable e) {
        if (e instanceof java.util.concurrent.TimeoutException && slowInARow.incrementAndGet() < SLOW_IN_A_ROW_IS_DOWN) {
            failures.incrementAndGet();
            return;
        }
        markDown(e);
    }

    private void markDown(Throwable e) {
        failures.incrementAndGet();
        if (down.compareAndSet(false, true)) {
            log.warn("query-cache cannot reach Redis for shared entries (" + e.getMessage() + "); each instance "
                    + "fetches and caches for itself until it answers again");
            waiting.values().forEach(Sinks.Empty::tryEmitEmpty);
            waiting.clear();
        }
    }

    /** Set when an invalidation could not reach Redis: its copies may still be there. */
    private volatile boolean dirty;

    /**
     * Redis answers again. When an invalidation was missed meanwhile, every copy of this client's
     * endpoints is deleted first (which copies it matched is unknown): a refetch each, never a stale copy.
     */
    private void markUp() {
        if (!down.get()) {
            return;
        }
        Mono<Void> flush = Mono.empty();
        if (dirty) {
            List<String> keys = new ArrayList<>();
            keys.add(genKey);
            client.getObject().inspector().endpointNames().forEach(name -> keys.add(prefix + "e:" + name));
            flush = redis.execute(INVALIDATE, keys, List.of()).next().timeout(commandTimeout).then();
        }
        // never from Lettuce's event loop (where the ping answered): the factory's lock, taken to hand out a
        // connection, may be held by a thread that waits for this very event loop (the factory closing)
        flush.subscribeOn(Schedulers.boundedElastic()).subscribe(n -> { }, e -> { }, () -> {
            dirty = false;
            if (down.compareAndSet(true, false)) {
                log.info("query-cache reached Redis again; entries are shared again");
            }
        });
    }

    /** Whether shared entries are served from Redis now: it answers, and this level has not stopped. */
    boolean isUp() {
        return !down.get() && !stopped;
    }
}

package dev.querycache.spring.cluster;

import dev.querycache.spi.Invalidation;
import dev.querycache.spi.InvalidationBus;
import dev.querycache.QueryClient;
import dev.querycache.Tag;
import dev.querycache.spring.internal.InvalidationJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/*
 * Design notes.
 *
 * Delivery is Redis pub/sub: fast, but at most once — a message published while an instance is
 * disconnected, or dropped on the way, is gone. So every publish first bumps a version counter in a
 * Redis hash, one field per tag type ("tag:Pokemon") or endpoint ("endpoint:pokemonByName"), and the
 * message carries the new versions. Each instance remembers, per field, the highest version it has
 * applied without a gap (AppliedVersions; concurrent publishes may arrive out of order, so versions
 * above a gap wait there until it closes). Every reconcile-interval it reads the hash in one round trip.
 * A field ahead of what was applied is suspected first, since its messages may still be on the way; if
 * the next reconcile finds the gap still open, a message was lost, and the instance invalidates the whole
 * tag type or endpoint (too much rather than too little) and takes the remote version. So a lost message
 * is repaired within two reconcile intervals, and traffic in flight never triggers a repair. A version
 * lower than applied means Redis lost its data (restart without persistence): repaired at once.
 *
 * While Redis is unreachable the instance keeps serving from its local cache (local invalidations were
 * applied before publishing), keeps what it could not publish (at most 10 000, oldest dropped), logs
 * once, counts every failure, retries the listener with backoff and reconciles every 500 ms; the first
 * success publishes what was kept and reconciles at once.
 */
/**
 * An {@link InvalidationBus} over Redis pub/sub, repaired by per-tag-type version counters, so that a
 * lost message is repaired within two reconcile intervals (the first finds the gap, the second repairs it
 * if it is still open). Thread-safe.
 */
public final class RedisInvalidationBus implements InvalidationBus {

    private static final Log log = LogFactory.getLog(RedisInvalidationBus.class);
    private static final Duration RETRY_WHILE_DOWN = Duration.ofMillis(500);
    /** Lettuce queues commands while disconnected; a command not answered by then counts as a failure. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_PENDING = 10_000;
    private static final String REPAIR_ORIGIN = "query-cache:reconcile";

    /**
     * One round trip per invalidation: bumps the version of each field, then publishes the message with the
     * new versions added, atomically (so no instance can read a version whose message is not yet on its way).
     * A caller's field (one per caller and endpoint: they would grow with every caller that ever passed) is
     * dropped once idle for {@code callerFieldIdleLimit}, far beyond the two reconcile intervals a lost
     * message needs to be repaired; its idle times live in a sorted set in the same slot. Answers the fields
     * and their versions, alternating. KEYS: versions, idle times. ARGV: channel, message, idle limit ms, fields.
     */
    private static final org.springframework.data.redis.core.script.RedisScript<List> PUBLISH = org.springframework.data.redis.core.script.RedisScript.of("""
            local out = {}
            local parts = {}
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            for i = 4, #ARGV do
              local v = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
              if string.sub(ARGV[i], 1, 7) == 'caller:' then redis.call('ZADD', KEYS[2], now, ARGV[i]) end
              parts[#parts + 1] = cjson.encode(ARGV[i]) .. ':' .. v
              out[#out + 1] = ARGV[i]
              out[#out + 1] = tostring(v)
            end
            local idle = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - tonumber(ARGV[3])), 'LIMIT', 0, 100)
            for _, f in ipairs(idle) do
              redis.call('HDEL', KEYS[1], f)
              redis.call('ZREM', KEYS[2], f)
            end
            local body = ARGV[2]
            local sep = ''
            if string.len(body) > 2 then sep = ',' end
            redis.call('PUBLISH', ARGV[1], string.sub(body, 1, -2) .. sep .. '"versions":{' .. table.concat(parts, ',') .. '}}')
            return out
            """, List.class);

    private final ReactiveRedisConnectionFactory factory;
    private final ReactiveStringRedisTemplate redis;
    private final ScriptCalls scripts;
    private final JsonMapper mapper;
    private final ObjectProvider<QueryClient> client;
    private final String channel;
    private final String versionsKey;
    private final Duration reconcileInterval;
    /** How long a caller's version field may go without an invalidation before it is dropped. */
    private final Duration callerFieldIdleLimit;
    /** The sorted set of caller fields by their last invalidation, in the versions hash's slot. */
    private final String callerIdleKey;

    private final AppliedVersions applied = new AppliedVersions();
    /** Per field, a remote version seen ahead of the watermark at the last reconcile: a gap to confirm. */
    private final ConcurrentHashMap<String, Long> suspected = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Invalidation> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final RedisAvailability availability = new RedisAvailability(1, true);
    private volatile boolean initialized;
    /** Whether {@link #start} returned before the first reconcile had read the versions (Redis down at startup). */
    private volatile boolean startedWithoutBaseline;
    /** Released by the first reconcile's answer or the first failure to reach Redis. */
    private final java.util.concurrent.CountDownLatch firstAnswer = new java.util.concurrent.CountDownLatch(1);
    /** Completes when the listener's subscription is active. */
    private final reactor.core.publisher.Sinks.Empty<Void> listenerSubscribed = reactor.core.publisher.Sinks.empty();
    private volatile boolean stopped;
    private volatile String instanceId;
    private volatile Consumer<Invalidation> receiver = i -> { };
    private volatile Disposable listening;
    private volatile Disposable reconciling;

    /** What a publish waits for first: the shared level's invalidation reaching Redis; null without one. */
    private volatile java.util.function.Supplier<Mono<Void>> before;

    /** The listener's containers, closed when their subscription ends. */
    private final ContainerClosing closing = new ContainerClosing();

    /** Garbage on the channel (anyone who can publish there may send it) costs one log line a minute. */
    private final RateLimitedWarning unreadable = new RateLimitedWarning(log, 60, java.util.concurrent.TimeUnit.SECONDS,
            System::nanoTime);

    /** Versions fields found unreadable (warned about once each). */
    private final Set<String> unreadableFields = ConcurrentHashMap.newKeySet();

    /** Repairs made so far. */
    private final AtomicLong repairs = new AtomicLong();

    /** The message codec, made once the client exists. */
    private volatile InvalidationJson json;

    public RedisInvalidationBus(ReactiveRedisConnectionFactory factory, JsonMapper mapper, ObjectProvider<QueryClient> client,
                                String channel, String versionsKey, Duration reconcileInterval) {
        this(factory, mapper, client, channel, versionsKey, reconcileInterval, maxOf(Duration.ofHours(1),
                reconcileInterval.multipliedBy(20)));
    }

    RedisInvalidationBus(ReactiveRedisConnectionFactory factory, JsonMapper mapper, ObjectProvider<QueryClient> client,
                         String channel, String versionsKey, Duration reconcileInterval, Duration callerFieldIdleLimit) {
        this.callerFieldIdleLimit = callerFieldIdleLimit;
        this.callerIdleKey = idleKeyOf(versionsKey);
        this.factory = factory;
        this.redis = new ReactiveStringRedisTemplate(factory);
        this.scripts = new ScriptCalls(factory, redis);
        this.mapper = mapper;
        this.client = client;
        this.channel = channel;
        this.versionsKey = versionsKey;
        this.reconcileInterval = reconcileInterval;
    }

    // ------------------------------------------------------------------------------------ lifecycle

    @Override
    public void start(String instanceId, Consumer<Invalidation> receiver) {
        this.instanceId = instanceId;
        this.receiver = receiver;
        // received invalidations are applied (and subscribed entries refetched) on a parallel worker, in order,
        // never on Redis's I/O thread
        this.listening = listen().publishOn(Schedulers.parallel()).subscribe(this::onMessage, e -> log.warn("query-cache cluster listener stopped: " + e));
        // the baseline is read once the listener is subscribed: a message published before it is in the baseline,
        // one published after it is received
        this.reconciling = listenerSubscribed.asMono().timeout(COMMAND_TIMEOUT, Mono.empty())
                .then(Mono.defer(this::reconcileOnce)
                        .then(Mono.defer(() -> Mono.delay(availability.isDown() ? RETRY_WHILE_DOWN : reconcileInterval)))
                        .repeat()
                        .then())
                .subscribe();
        awaitBaseline();
    }

    /**
     * Waits until the first reconcile has read the versions (or Redis was found unreachable), at most twice
     * {@link #COMMAND_TIMEOUT}, so that nothing this instance serves was fetched before it knew which versions it
     * had seen: a message lost after that is repaired like any other. When this returns without a baseline
     * (Redis down at startup), the first reconcile that succeeds later repairs every field it finds, since what
     * was invalidated in between cannot be known.
     */
    private void awaitBaseline() {
        try {
            if (!firstAnswer.await(COMMAND_TIMEOUT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                log.info("query-cache's invalidation bus has no answer from Redis yet; starting without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        startedWithoutBaseline = !initialized;
    }

    /**
     * Stops listening and reconciling, and waits (at most {@link #COMMAND_TIMEOUT}) until the listener's
     * subscription connection is closed, so that nothing of this bus still uses the connection factory when
     * it stops ({@link StopBeforeConnectionFactory} calls this first). Publishing still works, best effort.
     * Idempotent.
     */
    @Override
    public void stop() {
        stopped = true;
        Disposable l = listening;
        Disposable r = reconciling;
        if (r != null) {
            r.dispose();
        }
        if (l != null) {
            l.dispose();
        }
        closing.awaitClosed(COMMAND_TIMEOUT);
    }

    /** Whether this bus listens for the other instances' invalidations: started and not stopped. */
    boolean isListening() {
        return listening != null && !stopped;
    }

    private Flux<String> listen() {
        return Flux.defer(() -> {
                    ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(factory);
                    return container.receiveLater(ChannelTopic.of(channel))
                            .flatMapMany(messages -> {
                                listenerSubscribed.tryEmitEmpty();
                                markUp();
                                return messages;
                            })
                            .map(m -> m.getMessage())
                            .doFinally(s -> closing.close(container));
                })
                .subscribeOn(Schedulers.boundedElastic())   // the container takes the factory's lock (see ScriptCalls)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2))
                        .doBeforeRetry(s -> {
                            listenerSubscribed.tryEmitEmpty();   // no listener yet: the reconcile need not wait for it
                            markDown(s.failure());
                        }))
                .repeat();
    }

    // ------------------------------------------------------------------------------------ publish

    /** Publishes each invalidation only after {@code before} completed (the shared level's barrier). */
    void publishAfter(java.util.function.Supplier<Mono<Void>> before) {
        this.before = before;
    }

    @Override
    public void publish(Invalidation invalidation) {
        List<String> args = new ArrayList<>();
        args.add(channel);
        args.add(write(invalidation));
        args.add(Long.toString(callerFieldIdleLimit.toMillis()));
        args.addAll(fields(invalidation));
        java.util.function.Supplier<Mono<Void>> barrier = before;
        if (barrier == null) {
            send(invalidation, args);   // no shared level waiting to delete copies: straight to Redis
        } else {
            barrier.get().subscribe(v -> { }, e -> send(invalidation, args), () -> send(invalidation, args));
        }
    }

    private void send(Invalidation invalidation, List<String> args) {
        scripts.call(PUBLISH, List.of(versionsKey, callerIdleKey), args, COMMAND_TIMEOUT).whenComplete((versions, e) -> {
            if (e != null) {
                markDown(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
                keep(invalidation);
                return;
            }
            for (int i = 0; i + 1 < versions.size(); i += 2) {
                advance(versions.get(i), Long.parseLong(versions.get(i + 1)));
            }
            markUp();
        });
    }

    private void keep(Invalidation invalidation) {
        pending.addLast(invalidation);
        if (pendingCount.incrementAndGet() > MAX_PENDING && pending.pollFirst() != null) {
            pendingCount.decrementAndGet();
        }
    }

    /**
     * The version fields an invalidation advances: one per tag type; for an entry or an endpoint, the
     * endpoint's, or for a {@code PRINCIPAL} caller's entry that caller's field of the endpoint, so that
     * repairing a lost message never reaches another caller's entries.
     */
    static List<String> fields(Invalidation i) {
        if (i.kind() == Invalidation.Kind.TAGS) {
            List<String> out = new ArrayList<>();
            for (Tag t : i.tags()) {
                String f = "tag:" + t.type();
                if (!out.contains(f)) {
                    out.add(f);
                }
            }
            return out;
        }
        if (i.principal() != null) {
            return List.of(callerField(i.endpoint(), i.principal()));
        }
        return List.of("endpoint:" + i.endpoint());
    }

    private static Duration maxOf(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** A key in the same hash slot as {@code versionsKey}: its own hash tag, or the whole name made one. */
    static String idleKeyOf(String versionsKey) {
        int open = versionsKey.indexOf('{');
        boolean tagged = open >= 0 && versionsKey.indexOf('}', open + 1) > open + 1;
        return tagged ? versionsKey + ":caller-idle" : "{" + versionsKey + "}:caller-idle";
    }

    /** "caller:&lt;length of name&gt;:&lt;endpoint name&gt;:&lt;principal&gt;": unambiguous whatever the name holds. */
    static String callerField(String endpoint, String principal) {
        return "caller:" + endpoint.length() + ":" + endpoint + ":" + principal;
    }

    /** Records {@code version} of {@code field} as applied. */
    private void advance(String field, long version) {
        applied.accept(field, version);
    }

    // ------------------------------------------------------------------------------------ receive

    /**
     * Applies one message. Its versions count as applied even when the rest cannot be read here (an arg
     * type this instance does not have, garbage): an unreadable message is logged and dropped, and never
     * becomes, through reconciliation, a wider invalidation than the one that was sent.
     */
    private void onMessage(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (RuntimeException e) {
            unreadable.warn(() -> "query-cache ignored an unreadable invalidation message on " + channel + ": " + e.getMessage());
            return;
        }
        try {
            Invalidation invalidation = read(node);
            if (!invalidation.origin().equals(instanceId)) {
                receiver.accept(invalidation);
            }
        } catch (RuntimeException e) {
            unreadable.warn(() -> "query-cache ignored an unreadable invalidation message on " + channel + ": " + e.getMessage());
        }
        JsonNode versions = node == null ? null : node.get("versions");
        if (versions != null && versions.isObject()) {
            for (Map.Entry<String, JsonNode> v : versions.properties()) {
                if (v.getValue().isIntegralNumber()) {
                    advance(v.getKey(), v.getValue().asLong());
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ reconcile

    private Mono<Void> reconcileOnce() {
        return Mono.defer(() -> {
            Map<String, Long> before = applied.snapshot();   // what was applied before Redis answers
            return redis.<String, String>opsForHash().entries(versionsKey)
                    .subscribeOn(Schedulers.boundedElastic())   // the template takes the factory's lock (see ScriptCalls)
                    .filter(e -> isVersion(e.getKey(), e.getValue()))
                    .collectMap(e -> e.getKey(), e -> Long.parseLong(e.getValue()))
                    .map(remote -> Map.entry(remote, before));
        })
                .timeout(COMMAND_TIMEOUT)
                .publishOn(Schedulers.parallel())   // repairs refetch: never on Redis's I/O thread
                .doOnNext(r -> reconcile(r.getKey(), r.getValue()))
                .doOnNext(r -> markUp())
                .onErrorResume(e -> {
                    markDown(e);
                    firstAnswer.countDown();
                    return Mono.empty();
                })
                .then();
    }

    /** Whether a versions field holds a version; an unreadable one is skipped (warned about once), the rest repaired. */
    private boolean isVersion(String field, String value) {
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            if (unreadableFields.add(field)) {
                log.warn("query-cache skips the field '" + field + "' of " + versionsKey + ": '" + value
                        + "' is no version number; the other fields are still reconciled");
            }
            return false;
        }
    }

    /**
     * Compares the remote versions with the watermarks. A field ahead of its watermark is only suspected
     * at first — its messages may still be on the way — and repaired when the next reconcile finds the
     * gap still open. A field behind the watermark it had <em>before</em> Redis was asked ({@code before})
     * means Redis lost its data, repaired at once, as is a field Redis no longer has at all; behind only the
     * current watermark is just messages that overtook the answer (under load, common), not a loss.
     */
    private void reconcile(Map<String, Long> remote, Map<String, Long> before) {
        if (!initialized) {
            boolean late = startedWithoutBaseline;
            remote.forEach((field, version) -> {
                if (version > applied.watermark(field)) {   // messages may have overtaken this first answer
                    if (late) {
                        repair(field);   // served without a baseline: whatever moved since may have been missed
                    }
                    applied.reset(field, version);
                }
            });
            initialized = true;
            firstAnswer.countDown();
            return;
        }
        remote.forEach((field, version) -> {
            long mine = applied.watermark(field);
            if (version > mine) {
                Long seen = suspected.get(field);
                if (seen != null && mine < seen) {
                    repair(field);
                    applied.reset(field, version);
                    suspected.remove(field);
                } else {
                    suspected.put(field, version);
                }
            } else if (version < before.getOrDefault(field, 0L)) {
                repair(field);
                applied.reset(field, version);
                suspected.remove(field);
            } else {
                suspected.remove(field);
            }
        });
        // a field this instance had applied that Redis no longer has: Redis lost its data (a restart without
        // persistence, a flush, the slot's node replaced) or dropped an idle caller's field. Whatever it held,
        // what was invalidated under it can no longer be proven, so its entries are invalidated (too much rather
        // than too little): a message lost just before the loss cannot leave a stale entry behind
        for (String field : before.keySet()) {
            if (!remote.containsKey(field) && before.get(field) > 0) {
                repair(field);
            }
        }
        applied.forgetMissing(before.keySet(), remote.keySet());
        suspected.keySet().retainAll(remote.keySet());
    }

    /** Type- or endpoint-wide invalidations made to repair lost messages so far ({@code query.cache.cluster.repairs}). */
    long repairCount() {
        return repairs.get();
    }

    private void repair(String field) {
        repairs.incrementAndGet();
        Invalidation i;
        if (field.startsWith("tag:")) {
            i = Invalidation.tags(REPAIR_ORIGIN, List.of(Tag.of(field.substring(4))));
        } else if (field.startsWith("caller:")) {
            String rest = field.substring("caller:".length());
            int colon = rest.indexOf(':');
            int length = Integer.parseInt(rest.substring(0, colon));
            String endpoint = rest.substring(colon + 1, colon + 1 + length);
            String principal = rest.substring(colon + 2 + length);
            i = Invalidation.endpoint(REPAIR_ORIGIN, endpoint, principal);   // that caller's entries only
        } else {
            i = Invalidation.endpoint(REPAIR_ORIGIN, field.substring("endpoint:".length()), null);
        }
        try {
            receiver.accept(i);
        } catch (RuntimeException e) {
            log.warn("query-cache could not apply a repaired invalidation of " + field + ": " + e);
        }
    }

    // ------------------------------------------------------------------------------------ up / down

    private void markDown(Throwable e) {
        if (availability.failed(e)) {
            log.warn("query-cache's invalidation bus is down: " + RedisErrors.describe(e) + "; serving from the local "
                    + "cache, keeping invalidations to send when it is back");
        }
    }

    /**
     * Redis answered again: sends what was kept and reconciles. Called on Lettuce's event loop, so the
     * kept invalidations are sent from another thread, and only those kept now (a bounded batch): one
     * that fails again is kept for the next time Redis is back, never retried in a loop.
     */
    private void markUp() {
        if (availability.recovered() && !stopped) {
            log.info("query-cache reached Redis again; sending " + pendingCount.get() + " kept invalidations and reconciling");
            Schedulers.boundedElastic().schedule(this::sendKept);
            // never from Lettuce's event loop: the factory's lock, taken to hand out a connection, may be held
            // by a thread that waits for this very event loop (the factory closing its connections)
            reconcileOnce().subscribeOn(Schedulers.boundedElastic()).subscribe();
        }
    }

    private void sendKept() {
        int n = pendingCount.get();
        for (int sent = 0; sent < n && !stopped && !availability.isDown(); sent++) {
            Invalidation i = pending.pollFirst();
            if (i == null) {
                break;
            }
            pendingCount.decrementAndGet();
            publish(i);
        }
    }

    /** Failures to reach Redis so far (publish, listen, reconcile): {@code query.cache.cluster.failures}. */
    long failureCount() {
        return availability.failures();
    }

    /** False while Redis cannot be reached (the last attempt failed); the health indicator reports DOWN then. */
    @Override
    public boolean isConnected() {
        return !availability.isDown();
    }

    // ------------------------------------------------------------------------------------ JSON

    /** The message without its versions (the publish script adds them). */
    private String write(Invalidation i) {
        return mapper.writeValueAsString(json().write(i));
    }

    private Invalidation read(JsonNode n) {
        return json().read(n);
    }

    /** The codec, made once the client exists (it types entry args from the client's endpoints). */
    private InvalidationJson json() {
        InvalidationJson j = json;
        if (j == null) {
            j = new InvalidationJson(mapper, client.getObject());
            json = j;
        }
        return j;
    }
}

package dev.querycache.spring.sharedapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.querycache.Endpoint;
import dev.querycache.InfiniteData;
import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
import dev.querycache.QueryState;
import dev.querycache.QuerySubscription;
import dev.querycache.QueryTimeoutException;
import dev.querycache.Tag;
import dev.querycache.spring.clusterapp.RedisTopology;
import dev.querycache.spring.sharedapp.SharedTestApplication.Numbers;
import dev.querycache.spring.sharedapp.SharedTestApplication.Product;
import dev.querycache.spring.sharedapp.SharedTestApplication.Products;
import dev.querycache.spring.sharedapp.SharedTestApplication.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One cache per cluster (CONTRACT amendments 2026-11-30 and 2026-12-06): three application contexts
 * ("instances") on real Redis servers, with {@code query-cache.cluster.shared.enabled=true}; every instance
 * calls the same upstream, whose counters are the cluster's fetches. Every scenario runs on each topology
 * (one subclass each: one node, Sentinel, Redis Cluster).
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class SharedLevelScenarios {

    RedisTopology redis;
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    /** The topology this class runs every scenario on. */
    abstract RedisTopology.Kind topology();

    @BeforeAll
    void startRedis() throws Exception {
        redis = RedisTopology.startOrSkip(topology());
    }

    @AfterAll
    void stopRedis() throws Exception {
        if (lookAtRedis != null) {
            lookAtRedis.destroy();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ConfigurableApplicationContext instance(String... more) {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SharedTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(redis.springProperties().toArray(String[]::new))
                .properties("query-cache.cluster.redis.enabled=true", "query-cache.cluster.shared.enabled=true",
                        "query-cache.cluster.reconcile-interval=300ms", "query-cache.endpoints.slow.fetch-timeout=1s",
                        "query-cache.cluster.shared.timeout=10s", "query-cache.cluster.shared.max-value-size=4KB",
                        "spring.main.banner-mode=off", "spring.jmx.enabled=false", "spring.config.name=shared-test-none")
                .properties(more)
                .run();
        instances.add(ctx);
        return ctx;
    }

    @BeforeEach
    void start() {
        Upstream.CALLS.clear();
        Upstream.HANG_ONCE.clear();
        redisTemplate().execute(c -> c.serverCommands().flushAll()).blockLast(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    private org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lookAtRedis;

    /** The test's own view of Redis (one connection for the class, closed after it). */
    synchronized ReactiveStringRedisTemplate redisTemplate() {
        if (lookAtRedis == null) {
            lookAtRedis = redis.connectionFactory();
        }
        return new ReactiveStringRedisTemplate(lookAtRedis);
    }

    private static Endpoint<String, Product> products(ConfigurableApplicationContext ctx) {
        return ctx.getBean(QueryClient.class).endpoint(Products.class);
    }

    private static void within(Duration d, BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(d).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    /** Asks every key on every instance at once. */
    private static List<Product> askAll(List<ConfigurableApplicationContext> on, List<String> keys) {
        return Flux.fromIterable(on).flatMap(ctx -> Flux.fromIterable(keys).flatMap(k -> products(ctx).query(k)))
                .collectList().block(Duration.ofSeconds(60));
    }

    @Test
    void coldKeysAskedOnThreeInstancesAtOnceAreFetchedOnceEachAndAFourthInstanceStartsWarm() {
        List<ConfigurableApplicationContext> three = List.of(instance(), instance(), instance());
        List<String> keys = IntStream.range(0, 60).mapToObj(i -> "k" + i).toList();

        askAll(three, keys);

        assertThat(Upstream.total("products:")).as("upstream calls for 60 keys on 3 instances").isEqualTo(60);
        for (String k : keys) {
            Product first = products(three.get(0)).state(k).data();
            QueryState<Product> firstState = products(three.get(0)).state(k);
            for (ConfigurableApplicationContext ctx : three) {
                QueryState<Product> s = products(ctx).state(k);
                assertThat(s.data()).isEqualTo(first);   // records, lists, Instant and Long ids typed back
                assertThat(s.fulfilledAt()).isEqualTo(firstState.fulfilledAt());
            }
        }

        ConfigurableApplicationContext fourth = instance();
        askAll(List.of(fourth), keys);
        assertThat(Upstream.total("products:")).as("a new instance fetched nothing").isEqualTo(60);
        assertThat(products(fourth).state("k7").data()).isEqualTo(products(three.get(1)).state("k7").data());
        assertThat(products(fourth).state("k7").source()).isEqualTo(QueryState.Source.SHARED);
        assertThat(three.stream().filter(ctx -> products(ctx).state("k7").source() == QueryState.Source.FETCHED))
                .as("exactly one instance fetched k7").hasSize(1);
        var meters = fourth.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.get("query.cache.cluster.shared").functionCounter().count()).isEqualTo(60);
        assertThat(meters.get("query.cache.requests").tags("endpoint", "products", "result", "shared")
                .functionCounter().count()).isEqualTo(60);
        // the actuator shows where an entry's data came from
        var view = new dev.querycache.spring.actuate.QueryCacheEndpoint(fourth.getBean(QueryClient.class)).cache();
        assertThat(view.get("entries").toString()).contains("source=shared").doesNotContain("source=fetched");
    }

    @Test
    void aTagInvalidationCostsOneRefetchInTheClusterAndNoInstanceKeepsTheOldValue() throws Exception {
        List<ConfigurableApplicationContext> three = List.of(instance(), instance(), instance());
        List<QuerySubscription<Product>> subs = new ArrayList<>();
        for (ConfigurableApplicationContext ctx : three) {
            QuerySubscription<Product> s = products(ctx).subscribe("p1");
            subs.add(s);
        }
        for (ConfigurableApplicationContext ctx : three) {
            within(Duration.ofSeconds(30), () -> products(ctx).state("p1").data() != null, "p1 loaded");
        }
        assertThat(Upstream.calls("products:p1")).isEqualTo(1);

        three.get(0).getBean(QueryClient.class).invalidateTags(Tag.of("Product", "p1"));

        for (ConfigurableApplicationContext ctx : three) {
            within(Duration.ofSeconds(30), () -> {
                QueryState<Product> s = products(ctx).state("p1");
                return s.data() != null && s.data().version() == 2L && !s.isStale();
            }, "every instance holds the refetched value");
        }
        assertThat(Upstream.calls("products:p1")).as("one refetch in the cluster").isEqualTo(2);

        // and a later instance gets the new value, not the one the invalidation matched
        ConfigurableApplicationContext late = instance();
        assertThat(products(late).query("p1").block(Duration.ofSeconds(30)).version()).isEqualTo(2L);
        assertThat(Upstream.calls("products:p1")).isEqualTo(2);
        subs.forEach(QuerySubscription::close);
    }

    @Test
    void anArgInvalidationMakesTheCopyUnreadableBeforeItIsAnnounced() throws Exception {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        products(a).query("p2").block(Duration.ofSeconds(30));
        products(b).query("p2").block(Duration.ofSeconds(30));   // B holds it too, unused
        assertThat(Upstream.calls("products:p2")).isEqualTo(1);

        products(a).invalidate("p2");
        // the moment B has applied the announcement (its unused entry is gone), the copy must be gone too
        within(Duration.ofSeconds(30), () -> products(b).state("p2").data() == null, "B applied the invalidation");
        assertThat(products(b).query("p2").block(Duration.ofSeconds(30)).version()).isEqualTo(2L);
        assertThat(products(a).query("p2").block(Duration.ofSeconds(30)).version()).isEqualTo(2L);
        assertThat(Upstream.calls("products:p2")).isEqualTo(2);
    }

    @Test
    void principalEntriesAreSharedWithTheSameCallerOnly() {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Endpoint<Object, Object> basketA = a.getBean(QueryClient.class).endpoint("basket");
        Endpoint<Object, Object> basketB = b.getBean(QueryClient.class).endpoint("basket");

        Object aliceOnA = basketA.query("main").contextWrite(QueryScopes.withPrincipal("alice")).block(Duration.ofSeconds(30));
        Object aliceOnB = basketB.query("main").contextWrite(QueryScopes.withPrincipal("alice")).block(Duration.ofSeconds(30));
        Object bobOnB = basketB.query("main").contextWrite(QueryScopes.withPrincipal("bob")).block(Duration.ofSeconds(30));

        assertThat(aliceOnB).isEqualTo(aliceOnA).isEqualTo("alice:main#1");
        assertThat(bobOnB).isEqualTo("bob:main#1");
        assertThat(Upstream.calls("basket:alice:main")).isEqualTo(1);
        assertThat(Upstream.calls("basket:bob:main")).isEqualTo(1);
    }

    @Test
    void infinitePagesComeBackWithTheirParams() {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        var numbersA = a.getBean(QueryClient.class).infiniteEndpoint(Numbers.class);
        var numbersB = b.getBean(QueryClient.class).infiniteEndpoint(Numbers.class);
        InfiniteData<List<Integer>, Long> onA = numbersA.query("n").block(Duration.ofSeconds(30));
        InfiniteData<List<Integer>, Long> onB = numbersB.query("n").block(Duration.ofSeconds(30));
        assertThat(onB).isEqualTo(onA);
        assertThat(onB.pageParams()).containsExactly(0L);
        assertThat(onB.pageParams().get(0)).isInstanceOf(Long.class);
        assertThat(Upstream.calls("numbers:n:0")).isEqualTo(1);
    }

    @Test
    void aLeaseHolderWhoseFetchNeverEndsLosesTheLeaseAfterFetchTimeout() {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Endpoint<Object, Object> slowA = a.getBean(QueryClient.class).endpoint("slow");
        Endpoint<Object, Object> slowB = b.getBean(QueryClient.class).endpoint("slow");
        Upstream.HANG_ONCE.add("s");

        Mono<Object> onA = slowA.query("s");
        var resultA = onA.toFuture();
        // A holds the lease and hangs; B waits for it, then takes over once fetchTimeout (1s) has passed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Upstream.calls("slow:s") == 1);
        Object onB = slowB.query("s").block(Duration.ofSeconds(30));

        assertThat(onB).isEqualTo("s#2");
        assertThat(resultA).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                .havingRootCause().isInstanceOf(QueryTimeoutException.class);
    }

    @Test
    void aLeaseHolderThatDiesIsTakenOverWhenItsLeaseExpires() {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Endpoint<Object, Object> slowA = a.getBean(QueryClient.class).endpoint("slow");
        Endpoint<Object, Object> slowB = b.getBean(QueryClient.class).endpoint("slow");
        Upstream.HANG_ONCE.add("c");

        slowA.query("c").subscribe(v -> { }, e -> { });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Upstream.calls("slow:c") == 1);
        var onB = slowB.query("c").toFuture();
        a.close();   // the holder goes away without giving the lease back, as a crashed instance would

        assertThat(onB).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("c#2");
        double takeovers = b.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("query.cache.cluster.takeovers").functionCounter().count();
        assertThat(takeovers).isEqualTo(1);
    }

    @Test
    void garbageInASharedCopyIsSkippedAndFetchedAgain() {
        ConfigurableApplicationContext a = instance();
        products(a).query("g").block(Duration.ofSeconds(30));
        ReactiveStringRedisTemplate r = redisTemplate();
        // the copy is written once the fetch answered, on its own: wait for it
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:products:*").count().block() == 1, "the copy was written");
        List<String> copies = r.keys("query-cache:shared:c:products:*").collectList().block(Duration.ofSeconds(30));
        assertThat(copies).hasSize(1);
        r.opsForValue().set(copies.get(0), "{not json").block(Duration.ofSeconds(30));

        ConfigurableApplicationContext b = instance();
        assertThat(products(b).query("g").block(Duration.ofSeconds(30)).id()).isEqualTo("g");
        assertThat(Upstream.calls("products:g")).isEqualTo(2);
    }

    @Test
    void redisDownCostsSharingOnlyAndSharingComesBack() throws Exception {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        products(a).query("before").block(Duration.ofSeconds(30));

        redis.stop();
        try {
            assertThat(products(a).query("during").block(Duration.ofSeconds(30)).id()).isEqualTo("during");
            assertThat(products(b).query("during").block(Duration.ofSeconds(30)).id()).isEqualTo("during");
            assertThat(Upstream.calls("products:during")).as("each instance fetched for itself").isEqualTo(2);
        } finally {
            redis.start();
        }
        // sharing is back within a reconcile interval (300ms) or two: one fetch for a new key
        within(Duration.ofSeconds(30), () -> {
            String key = "after-" + System.nanoTime();
            products(a).query(key).block(Duration.ofSeconds(30));
            products(b).query(key).block(Duration.ofSeconds(30));
            return Upstream.calls("products:" + key) == 1;
        }, "sharing is back");
    }

    @Test
    void sharedWithoutTheRedisBusFailsAtStartupNamingBothProperties() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(SharedTestApplication.class).web(WebApplicationType.NONE)
                .properties("query-cache.cluster.shared.enabled=true", "spring.main.banner-mode=off",
                        "spring.jmx.enabled=false", "spring.config.name=shared-test-none")
                .run())
                .rootCause()
                .hasMessageContaining("query-cache.cluster.shared.enabled")
                .hasMessageContaining("query-cache.cluster.redis.enabled");
    }

    private long pttlOfTheOnlyCopy(String pattern) {
        ReactiveStringRedisTemplate r = redisTemplate();
        List<String> copies = r.keys(pattern).collectList().block(Duration.ofSeconds(30));
        assertThat(copies).as(pattern).hasSize(1);
        return pttl(copies.get(0));
    }

    /** Redis's PTTL: milliseconds left, -1 for no expiry, -2 for no key. */
    private long pttl(String key) {
        return redisTemplate().execute(c -> c.keyCommands().pTtl(java.nio.ByteBuffer.wrap(
                key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).blockFirst(Duration.ofSeconds(30));
    }

    @Test
    void copiesExpireAsTheirEndpointsSay() {
        ConfigurableApplicationContext a = instance();
        products(a).query("e").block(Duration.ofSeconds(30));
        a.getBean(QueryClient.class).endpoint("quotes").query("q").block(Duration.ofSeconds(30));
        a.getBean(QueryClient.class).endpoint("notes").query("n").block(Duration.ofSeconds(30));

        ReactiveStringRedisTemplate r = redisTemplate();
        for (String endpoint : List.of("notes", "quotes", "products")) {   // written once each fetch answered
            within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:" + endpoint + ":*").count().block() == 1, "the copy was written");
        }
        // staleTime 30s: the copy is useless after, so it lives 30s
        assertThat(pttlOfTheOnlyCopy("query-cache:shared:c:quotes:*")).isBetween(20_000L, 30_000L);
        // fresh until invalidated, keepUnusedDataFor 45s: 45s from its last read
        assertThat(pttlOfTheOnlyCopy("query-cache:shared:c:notes:*")).isBetween(35_000L, 45_000L);
        // never and never: until invalidated
        List<String> product = r.keys("query-cache:shared:c:products:*").collectList().block(Duration.ofSeconds(30));
        assertThat(product).hasSize(1);
        assertThat(pttl(product.get(0))).isEqualTo(-1L);
        // and nothing else lives in Redis but the copies and the one invalidation record (no index to expire)
        assertThat(r.keys("*").collectList().block(Duration.ofSeconds(30)))
                .allMatch(k -> k.startsWith("query-cache:shared:c:") || k.equals("query-cache:shared:m")
                        || k.equals("query-cache:versions"));
    }


    @Test
    void everyKeyIsWrittenUnderTheConfiguredPrefix() {
        ConfigurableApplicationContext a = instance("query-cache.cluster.shared.key-prefix=shop:cache:");
        ConfigurableApplicationContext b = instance("query-cache.cluster.shared.key-prefix=shop:cache:");
        products(a).query("pre").block(Duration.ofSeconds(30));
        within(Duration.ofSeconds(30), () -> redisTemplate().keys("shop:cache:c:*").count().block() == 1, "the copy was written");
        assertThat(products(b).query("pre").block(Duration.ofSeconds(30)).id()).isEqualTo("pre");
        assertThat(Upstream.calls("products:pre")).isEqualTo(1);

        ReactiveStringRedisTemplate r = redisTemplate();
        List<String> keys = r.keys("*").collectList().block(Duration.ofSeconds(30));
        assertThat(keys).filteredOn(k -> k.contains(":c:") || k.contains(":e:") || k.contains(":t:"))
                .isNotEmpty().allMatch(k -> k.startsWith("shop:cache:"));
    }

    @Test
    void aValueOverMaxValueSizeStaysLocalAndIsLoggedOncePerEndpoint(
            org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Endpoint<Object, Object> blobsA = a.getBean(QueryClient.class).endpoint("blobs");
        Endpoint<Object, Object> blobsB = b.getBean(QueryClient.class).endpoint("blobs");

        blobsA.query(1).block(Duration.ofSeconds(30));   // 1 KB: shared
        blobsA.query(8).block(Duration.ofSeconds(30));   // 8 KB: over 4KB, kept local
        blobsA.query(9).block(Duration.ofSeconds(30));
        within(Duration.ofSeconds(30), () -> redisTemplate().keys("query-cache:shared:c:blobs:*").count().block() == 1, "the copy was written");

        assertThat(((String) blobsB.query(1).block(Duration.ofSeconds(30)))).hasSize(1024);
        assertThat(((String) blobsB.query(8).block(Duration.ofSeconds(30)))).hasSize(8 * 1024);
        assertThat(Upstream.calls("blobs:1")).as("shared").isEqualTo(1);
        assertThat(Upstream.calls("blobs:8")).as("each instance fetched it").isEqualTo(2);
        String log = output.getOut() + output.getErr();
        assertThat(log.split("keeps entries of endpoint 'blobs' local", -1)).as("one line per endpoint and instance")
                .hasSize(3);
        assertThat(log).contains("query-cache.cluster.shared.max-value-size");
        assertThat(a.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("query.cache.cluster.kept.local").functionCounter().count()).isEqualTo(2);
    }

    /**
     * The stale copy found by a review: a copy's lifetime is extended by every read; whatever indexed it is
     * not. With 2 s lifetimes: A fetches, a copy is read now and then for 5 s, A invalidates its tag; no
     * instance without a local entry may then be served the old value.
     */
    @Test
    void aCopyReadOftenForLongerThanItsLifetimeIsStillMatchedByAnInvalidation() throws Exception {
        SharedTestApplication.ARTICLE_VERSIONS.clear();
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Endpoint<Object, Object> articlesA = a.getBean(QueryClient.class).endpoint("articles");
        Endpoint<Object, Object> articlesB = b.getBean(QueryClient.class).endpoint("articles");
        articlesA.query("a1").block(Duration.ofSeconds(30));
        within(Duration.ofSeconds(30), () -> redisTemplate().keys("query-cache:shared:c:articles:*").count().block() == 1,
                "the copy was written");
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            b.getBean(QueryClient.class).resetApiState();   // B has no local entry: it reads the copy
            assertThat(((SharedTestApplication.Article) articlesB.query("a1").block(Duration.ofSeconds(30))).version()).isZero();
            Thread.sleep(500);
        }
        assertThat(Upstream.calls("articles:a1")).as("B was served the copy every time").isEqualTo(1);
        b.getBean(QueryClient.class).resetApiState();

        SharedTestApplication.ARTICLE_VERSIONS.computeIfAbsent("a1", k -> new java.util.concurrent.atomic.AtomicLong()).set(1);
        a.getBean(QueryClient.class).invalidateTags(Tag.of("Article", "a1"));
        within(Duration.ofSeconds(30), () -> articlesA.state("a1").data() == null
                || ((SharedTestApplication.Article) articlesA.state("a1").data()).version() == 1, "A applied it");
        ConfigurableApplicationContext c = instance();
        // C's first read happens after A's invalidation was announced: the copy must be unreadable by then
        awaitApplied(a, b);
        assertThat(((SharedTestApplication.Article) articlesB.query("a1").block(Duration.ofSeconds(30))).version()).isEqualTo(1);
        assertThat(((SharedTestApplication.Article) c.getBean(QueryClient.class).endpoint("articles").query("a1")
                .block(Duration.ofSeconds(30))).version()).isEqualTo(1);
    }

    /**
     * Waits until {@code receiver} has applied every invalidation {@code sender} made so far: a marker
     * invalidation sent after them by the same sender (its messages go out in order, each after its
     * invalidation reached Redis) has arrived.
     */
    private static void awaitApplied(ConfigurableApplicationContext sender, ConfigurableApplicationContext receiver) {
        if (sender == receiver) {
            return;   // applied here before it was published
        }
        String marker = "marker-" + System.nanoTime();
        Endpoint<Object, Object> notes = receiver.getBean(QueryClient.class).endpoint("notes");
        notes.query(marker).block(Duration.ofSeconds(30));
        sender.getBean(QueryClient.class).endpoint("notes").invalidateAll();
        within(Duration.ofSeconds(60), () -> notes.state(marker).data() == null, "the marker invalidation arrived");
    }

    /**
     * After any invalidation is announced, no instance serves a value it matched: three instances, twelve
     * keys in four tag groups, random reads (some from an emptied local cache, so from Redis), group
     * invalidations (the upstream's version bumped first), pauses past the copies' 2 s lifetime, and Redis
     * restarts. A seeded run, so a failure can be replayed.
     */
    @Test
    void randomizedReadsInvalidationsExpiriesAndRestartsNeverServeAMatchedValue() throws Exception {
        SharedTestApplication.ARTICLE_VERSIONS.clear();
        List<ConfigurableApplicationContext> three = List.of(instance(), instance(), instance());
        long seed = Long.getLong("querycache.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        List<String> keys = IntStream.range(0, 12).mapToObj(i -> "r" + i + (char) ('a' + i % 4)).toList();
        java.util.Map<String, Long> atLeast = new java.util.concurrent.ConcurrentHashMap<>();
        int restarts = 0;
        for (int step = 0; step < 160; step++) {
            int op = random.nextInt(100);
            ConfigurableApplicationContext on = three.get(random.nextInt(3));
            if (op < 60) {
                if (random.nextInt(3) == 0) {
                    on.getBean(QueryClient.class).resetApiState();
                }
                String k = keys.get(random.nextInt(keys.size()));
                long expected = atLeast.getOrDefault(k, 0L);
                var got = (SharedTestApplication.Article) on.getBean(QueryClient.class).endpoint("articles").query(k)
                        .block(Duration.ofSeconds(30));
                assertThat(got.version()).as("seed %d, step %d: %s read on instance %d", seed, step, k, three.indexOf(on))
                        .isGreaterThanOrEqualTo(expected);
            } else if (op < 85) {
                String group = String.valueOf((char) ('a' + random.nextInt(4)));
                for (String k : keys) {
                    if (SharedTestApplication.Articles.group(k).equals(group)) {
                        long v = SharedTestApplication.ARTICLE_VERSIONS
                                .computeIfAbsent(k, x -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                        atLeast.put(k, v);
                    }
                }
                on.getBean(QueryClient.class).invalidateTags(Tag.of("ArticleGroup", group));
                for (ConfigurableApplicationContext other : three) {   // announced: applied everywhere
                    awaitApplied(on, other);
                }
            } else if (op < 97 || restarts >= 2) {
                Thread.sleep(random.nextInt(2_500));
            } else {
                restarts++;
                redis.stop();
                redis.start();
            }
        }
    }

    @Test
    void aValueThatJsonCannotCarryWholeStaysLocalWithOneWarningNamingItsType(
            org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Object onA = a.getBean(QueryClient.class).endpoint("opaque").query("zapdos").block(Duration.ofSeconds(30));
        a.getBean(QueryClient.class).endpoint("opaque").query("moltres").block(Duration.ofSeconds(30));
        Object onB = b.getBean(QueryClient.class).endpoint("opaque").query("zapdos").block(Duration.ofSeconds(30));

        assertThat(onA).hasToString("Opaque(zapdos,kanto)");
        assertThat(onB).as("never Opaque(null,null)").isEqualTo(onA);
        assertThat(Upstream.calls("opaque:zapdos")).as("each instance fetched it").isEqualTo(2);
        String log = output.getOut() + output.getErr();
        assertThat(log.split("keeps entries of endpoint 'opaque' local", -1)).as("one line per endpoint and instance").hasSize(3);
        assertThat(log).contains(SharedTestApplication.Opaque.class.getName()).contains("does not read back equal");
        assertThat(redisTemplate().keys("query-cache:shared:c:opaque:*").count().block(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aSharedEndpointWhoseTypeHasNoValueEqualsIsNamedAtStartup(org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        String log = output.getOut() + output.getErr();
        assertThat(log).contains("cannot share entries of endpoint 'identities'")
                .contains(SharedTestApplication.Identity.class.getName()).contains("query-cache.cluster.shared.exclude")
                .doesNotContain("cannot share entries of endpoint 'products'");
        a.getBean(QueryClient.class).endpoint("identities").query("x").block(Duration.ofSeconds(30));
        instance().getBean(QueryClient.class).endpoint("identities").query("x").block(Duration.ofSeconds(30));
        assertThat(Upstream.calls("identities:x")).isEqualTo(2);
    }

    /** Cold keys asked on two instances at once, and a received invalidation refetching a subscribed entry. */
    @Test
    void noFetcherRunsOnARedisClientThread() throws Exception {
        SharedTestApplication.FETCH_THREADS.clear();
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        List<String> keys = IntStream.range(0, 40).mapToObj(i -> "t" + i).toList();
        Flux.fromIterable(List.of(a, b)).flatMap(ctx -> Flux.fromIterable(keys)
                        .flatMap(k -> ctx.getBean(QueryClient.class).endpoint("threads").query(k)))
                .collectList().block(Duration.ofSeconds(60));
        QuerySubscription<Object> sub = b.getBean(QueryClient.class).endpoint("threads").subscribe("t0");
        int before = Upstream.calls("threads:t0");
        a.getBean(QueryClient.class).invalidateTags(Tag.of("Thread"));
        within(Duration.ofSeconds(30), () -> Upstream.calls("threads:t0") > before, "the subscribed entry was refetched");
        sub.close();
        assertThat(SharedTestApplication.FETCH_THREADS).isNotEmpty()
                .noneMatch(t -> t.contains("lettuce") || t.contains("epoll") || t.contains("nio"));
    }

    /** A lease set by hand for an hour holds no one longer than three of the waiter's own fetchTimeouts (1 s). */
    @Test
    void aLeaseSetForAnHourHoldsWaitersNoLongerThanTheirOwnBound() {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        Upstream.HANG_ONCE.add("h");
        a.getBean(QueryClient.class).endpoint("slow").query("h").subscribe(v -> { }, e -> { });
        within(Duration.ofSeconds(30), () -> redisTemplate().keys("query-cache:shared:l:slow:*").count().block() == 1, "A leased");
        String lease = redisTemplate().keys("query-cache:shared:l:slow:*").blockFirst(Duration.ofSeconds(30));
        // written by hand: another token (so A giving its lease back cannot delete it) and an hour to live
        redisTemplate().opsForValue().set(lease, "set-by-hand", Duration.ofHours(1)).block(Duration.ofSeconds(30));
        a.close();

        long start = System.nanoTime();
        Object onB = b.getBean(QueryClient.class).endpoint("slow").query("h").block(Duration.ofSeconds(60));
        assertThat(onB).isEqualTo("h#2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void oneLineAtStartupSaysWhatTheClusterTierRunsOn(org.springframework.boot.test.system.CapturedOutput output) {
        instance();
        String expected = switch (topology()) {
            case ONE_NODE -> "query-cache cluster tier on one Redis node (";
            case SENTINEL -> "query-cache cluster tier on Redis Sentinel (master '" + RedisTopology.SENTINEL_MASTER + "'";
            case CLUSTER -> "query-cache cluster tier on a Redis Cluster (seed nodes [";
        };
        String log = output.getOut() + output.getErr();
        assertThat(log).contains(expected).contains("invalidation bus on (channel 'query-cache:invalidations')")
                .contains("shared level on (key prefix 'query-cache:shared:')");
        assertThat(log.split("query-cache cluster tier on", -1)).as("one line").hasSize(2);
    }

    @Test
    void anExcludedEndpointThatDoesNotExistFailsStartupNamingIt() {
        assertThatThrownBy(() -> instance("query-cache.cluster.shared.exclude=products,pokemonSearch"))
                .isInstanceOf(dev.querycache.spring.QueryCacheConfigurationException.class)
                .hasMessageContaining("query-cache.cluster.shared.exclude")
                .hasMessageContaining("pokemonSearch")
                .hasMessageNotContaining("products,");
    }

    /**
     * The primary (one node, Sentinel's primary, one master of a cluster) stopped and restarted: an outage,
     * handled as one: no errors, each instance fetches for itself, sharing comes back.
     */
    @Test
    void aStoppedPrimaryIsAnOutageWithoutErrorsAndSharingComesBack() throws Exception {
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        List<String> keys = IntStream.range(0, 20).mapToObj(i -> "o" + i).toList();
        askAll(List.of(a, b), keys);
        assertThat(Upstream.total("products:o")).isEqualTo(20);

        redis.stopPrimary();
        try {
            List<String> during = IntStream.range(0, 20).mapToObj(i -> "d" + i).toList();
            assertThat(askAll(List.of(a, b), during)).hasSize(40).allMatch(p -> p.id().startsWith("d"));
        } finally {
            redis.startPrimary();
        }
        within(Duration.ofSeconds(60), () -> {
            String key = "back-" + System.nanoTime();
            products(a).query(key).block(Duration.ofSeconds(30));
            products(b).query(key).block(Duration.ofSeconds(30));
            return Upstream.calls("products:" + key) == 1;
        }, "sharing is back");
    }

    /** An error reply to one command is logged as itself, costs that load only, and is no outage. */
    @Test
    void aWrongTypeAtOneCopyIsLoggedAsItselfAndIsNoOutage(org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        products(a).query("w").block(Duration.ofSeconds(30));
        ReactiveStringRedisTemplate r = redisTemplate();
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:products:*").count().block() == 1, "the copy was written");
        String copy = r.keys("query-cache:shared:c:products:*").blockFirst(Duration.ofSeconds(30));
        r.delete(copy).block(Duration.ofSeconds(30));
        r.opsForHash().put(copy, "not", "a string").block(Duration.ofSeconds(30));

        ConfigurableApplicationContext b = instance();
        assertThat(products(b).query("w").block(Duration.ofSeconds(30)).id()).isEqualTo("w");
        products(a).query("w2").block(Duration.ofSeconds(30));
        assertThat(products(b).query("w2").block(Duration.ofSeconds(30)).id()).isEqualTo("w2");
        assertThat(Upstream.calls("products:w2")).as("still shared").isEqualTo(1);
        String log = output.getOut() + output.getErr();
        assertThat(log).contains("WRONGTYPE").doesNotContain("cannot reach Redis").doesNotContain("stops sharing");
    }

    /** A PRINCIPAL copy written by hand under another caller's key is refused there, and that caller's own data fetched. */
    @Test
    void aCallersCopyPutUnderAnotherCallersKeyIsRefused() {
        ConfigurableApplicationContext a = instance();
        Endpoint<Object, Object> basketA = a.getBean(QueryClient.class).endpoint("basket");
        basketA.query("stolen").contextWrite(QueryScopes.withPrincipal("alice")).block(Duration.ofSeconds(30));
        basketA.query("stolen").contextWrite(QueryScopes.withPrincipal("bob")).block(Duration.ofSeconds(30));
        ReactiveStringRedisTemplate r = redisTemplate();
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:basket:*").count().block() == 2, "both copies written");
        List<String> copies = r.keys("query-cache:shared:c:basket:*").collectList().block(Duration.ofSeconds(30));
        String alices = null;
        String bobs = null;
        for (String k : copies) {
            String v = r.opsForValue().get(k).block(Duration.ofSeconds(30));
            if (v.contains("alice:stolen")) {
                alices = v;
            } else {
                bobs = k;
            }
        }
        r.opsForValue().set(bobs, alices).block(Duration.ofSeconds(30));   // alice's copy under bob's key

        ConfigurableApplicationContext b = instance();
        Object bobOnB = b.getBean(QueryClient.class).endpoint("basket").query("stolen")
                .contextWrite(QueryScopes.withPrincipal("bob")).block(Duration.ofSeconds(30));
        assertThat(bobOnB).isEqualTo("bob:stolen#2");
    }

    /**
     * A copy whose data is null, for an endpoint whose fetcher has not answered empty on this instance, was not
     * written by query-cache: refused, logged and fetched here. A fetcher that does answer empty has its null
     * copies served once this instance has seen it do so.
     */
    @Test
    void aNullCopyIsRefusedUnlessTheEndpointAnswersEmpty(org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        products(a).query("n").block(Duration.ofSeconds(30));
        ReactiveStringRedisTemplate r = redisTemplate();
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:products:*").count().block() == 1, "the copy was written");
        String key = r.keys("query-cache:shared:c:products:*").blockFirst(Duration.ofSeconds(30));
        tools.jackson.databind.json.JsonMapper json = new tools.jackson.databind.json.JsonMapper();
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) json.readTree(
                r.opsForValue().get(key).block(Duration.ofSeconds(30)));
        copy.putNull("data");
        r.opsForValue().set(key, json.writeValueAsString(copy)).block(Duration.ofSeconds(30));

        ConfigurableApplicationContext b = instance();
        Product onB = products(b).query("n").block(Duration.ofSeconds(30));
        assertThat(onB).isNotNull();
        assertThat(onB.id()).isEqualTo("n");
        assertThat(Upstream.calls("products:n")).as("the null copy refused, fetched on B").isEqualTo(2);
        assertThat(output.getOut() + output.getErr()).contains("whose data is null");

        // a fetcher that answers empty: B refuses the first null copy (it has not seen the fetcher answer empty yet),
        // serves the next
        Endpoint<Object, Object> maybeA = a.getBean(QueryClient.class).endpoint("maybe");
        Endpoint<Object, Object> maybeB = b.getBean(QueryClient.class).endpoint("maybe");
        maybeA.query("none-1").block(Duration.ofSeconds(30));
        maybeA.query("none-2").block(Duration.ofSeconds(30));
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:maybe:*").count().block() == 2, "both copies written");
        assertThat(maybeB.query("none-1").block(Duration.ofSeconds(30))).isNull();
        assertThat(Upstream.calls("maybe:none-1")).isEqualTo(2);
        assertThat(maybeB.query("none-2").block(Duration.ofSeconds(30))).isNull();
        assertThat(Upstream.calls("maybe:none-2")).as("served from the copy").isEqualTo(1);
    }

    /** A copy over max-value-size found in Redis (written by hand, or under a larger setting) is never read. */
    @Test
    void anOversizedCopyIsNeverReadAndTheEntryIsFetchedHere(org.springframework.boot.test.system.CapturedOutput output) {
        ConfigurableApplicationContext a = instance();
        Endpoint<Object, Object> blobsA = a.getBean(QueryClient.class).endpoint("blobs");
        blobsA.query(1).block(Duration.ofSeconds(30));
        ReactiveStringRedisTemplate r = redisTemplate();
        within(Duration.ofSeconds(30), () -> r.keys("query-cache:shared:c:blobs:*").count().block() == 1, "the copy was written");
        String copy = r.keys("query-cache:shared:c:blobs:*").blockFirst(Duration.ofSeconds(30));
        r.opsForValue().set(copy, "x".repeat(64 * 1024)).block(Duration.ofSeconds(30));   // 64 KB, over the test's 4KB

        ConfigurableApplicationContext b = instance();
        assertThat((String) b.getBean(QueryClient.class).endpoint("blobs").query(1).block(Duration.ofSeconds(30))).hasSize(1024);
        assertThat(Upstream.calls("blobs:1")).as("fetched here, the copy never read").isEqualTo(2);
        assertThat(output.getOut() + output.getErr()).contains("skipped a shared copy of 65536 bytes")
                .contains("query-cache.cluster.shared.max-value-size");
    }

    /** A holder that allows itself 60 s holds a waiter configured with 1 s no longer than three of its own fetchTimeouts. */
    @Test
    void aHolderAllowingItselfAMinuteHoldsWaitersOnlyForTheirOwnBound() {
        ConfigurableApplicationContext a = instance("query-cache.endpoints.slow.fetch-timeout=60s");
        ConfigurableApplicationContext b = instance();
        Upstream.HANG_ONCE.add("m");
        a.getBean(QueryClient.class).endpoint("slow").query("m").subscribe(v -> { }, e -> { });
        within(Duration.ofSeconds(30), () -> Upstream.calls("slow:m") == 1, "A holds the lease and hangs");
        a.close();   // killed mid-fetch: its lease stays for its 60 s

        long start = System.nanoTime();
        assertThat(b.getBean(QueryClient.class).endpoint("slow").query("m").block(Duration.ofSeconds(60))).isEqualTo("m#2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}

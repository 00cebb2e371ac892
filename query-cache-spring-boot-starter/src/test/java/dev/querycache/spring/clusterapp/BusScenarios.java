package dev.querycache.spring.clusterapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.QuerySubscription;
import dev.querycache.Tag;
import dev.querycache.spring.clusterapp.ClusterTestApplication.Items;
import dev.querycache.spring.clusterapp.ClusterTestApplication.Search;
import dev.querycache.spring.clusterapp.ClusterTestApplication.SearchQuery;
import dev.querycache.spring.cluster.RedisInvalidationBus;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two application contexts ("instances") sharing invalidations through real Redis servers; every scenario
 * runs on each topology (one subclass each: one node, Sentinel, Redis Cluster).
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class BusScenarios {

    RedisTopology redis;

    /** The topology this class runs every scenario on. */
    abstract RedisTopology.Kind topology();

    ConfigurableApplicationContext a;
    ConfigurableApplicationContext b;

    @BeforeAll
    void startRedis() throws Exception {
        redis = RedisTopology.startOrSkip(topology());
    }

    @AfterAll
    void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(ClusterTestApplication.class).web(WebApplicationType.NONE)
                .properties(redis.springProperties().toArray(String[]::new))
                .properties("query-cache.cluster.redis.enabled=true", "query-cache.cluster.reconcile-interval=300ms",
                        "spring.main.banner-mode=off", "spring.jmx.enabled=false", "spring.config.name=cluster-test-none")
                .run();
    }

    @BeforeEach
    void startInstances() {
        a = instance();
        b = instance();
    }

    @AfterEach
    void stopInstances() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static QueryClient client(ConfigurableApplicationContext ctx) {
        return ctx.getBean(QueryClient.class);
    }

    /**
     * A message lost on the way, simulated from outside: the sender's version bump reaches Redis, its message
     * reaches no one. Only reconciliation can bring it back.
     */
    private void loseMessageFor(String versionField) {
        a.getBean(org.springframework.data.redis.core.ReactiveStringRedisTemplate.class).opsForHash()
                .increment("query-cache:versions", versionField, 1L).block(Duration.ofSeconds(30));
    }

    private static double counter(ConfigurableApplicationContext ctx, String name) {
        var meter = ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class).find(name).functionCounter();
        assertThat(meter).as(name).isNotNull();
        return meter.count();
    }

    private static void within(Duration d, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + d + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A positive marker that B has run at least one full reconcile pass since now: an {@code Order} entry on B,
     * whose invalidation message is lost, comes back only through reconciliation. Anything a reconcile would have
     * done by then has been done, so an absence checked after it proves something.
     */
    private void awaitReconcileOnB(String marker) throws InterruptedException {
        long id = 1_000 + Math.abs(marker.hashCode() % 1_000);
        client(b).endpoint("orders").query(id).block(Duration.ofSeconds(30));
        loseMessageFor("tag:Order");
        within(Duration.ofSeconds(30), () -> client(b).endpoint("orders").state(id).status() == QueryStatus.UNINITIALIZED,
                "B reconciled (" + marker + ")");
    }

    /**
     * A positive marker that B has applied every message published before it: messages on the channel arrive in
     * order, so once a later invalidation of an {@code Order} entry reached B, every earlier one did too.
     */
    private void awaitMessagesAppliedOnB(String marker) throws InterruptedException {
        long id = 2_000 + Math.abs(marker.hashCode() % 1_000);
        client(b).endpoint("orders").query(id).block(Duration.ofSeconds(30));
        client(a).invalidateTags(Tag.of("Order", id));
        within(Duration.ofSeconds(30), () -> client(b).endpoint("orders").state(id).status() == QueryStatus.UNINITIALIZED,
                "B applied the marker message (" + marker + ")");
    }

    @Test
    void aTagInvalidatedOnARefetchesBsSubscribedEntryAndRemovesBsUnusedOne() throws Exception {
        Items itemsB = b.getBean(Items.class);
        QuerySubscription<Object> sub = client(b).endpoint("items").subscribe("x");
        client(b).endpoint("items").query("y").block();
        assertThat(itemsB.calls("x")).isEqualTo(1);

        client(a).invalidateTags(Tag.of("Item"));

        within(Duration.ofSeconds(30), () -> itemsB.calls("x") == 2, "B refetched its subscribed entry");
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("y").status() == QueryStatus.UNINITIALIZED,
                "B removed its unused entry");
        sub.close();
    }

    @Test
    void invalidateWithARecordArgCrossesOver() throws Exception {
        SearchQuery fire = new SearchQuery("fire", 3);
        client(b).endpoint(Search.class).query(fire).block();
        client(b).endpoint(Search.class).query(new SearchQuery("water", 3)).block();

        client(a).endpoint(Search.class).invalidate(fire);

        within(Duration.ofSeconds(30), () -> client(b).endpoint(Search.class).state(fire).status() == QueryStatus.UNINITIALIZED,
                "B's entry for the same record arg was removed");
        assertThat(client(b).endpoint(Search.class).state(new SearchQuery("water", 3)).status()).isEqualTo(QueryStatus.SUCCESS);
    }

    /**
     * A version bumped without its message, then Redis losing its data before any reconcile saw the bump:
     * the versions are gone, so B cannot prove its entry is as new as the cluster's; it must not keep serving
     * it as fresh.
     */
    @Test
    void aLostMessageFollowedByRedisLosingItsDataLeavesNoStaleEntry() throws Exception {
        client(a).invalidateTags(dev.querycache.Tag.of("Item", "warm-up"));   // B has applied a version of tag:Item
        within(Duration.ofSeconds(30), () -> b.getBean(RedisInvalidationBus.class).isConnected(), "B connected");
        client(b).endpoint("items").query("y").block();
        awaitReconcileOnB("before the loss");
        loseMessageFor("tag:Item");
        a.getBean(org.springframework.data.redis.core.ReactiveStringRedisTemplate.class)
                .execute(c -> c.serverCommands().flushAll()).blockLast(Duration.ofSeconds(30));
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("y").status() == QueryStatus.UNINITIALIZED,
                "B dropped the entry it could no longer prove fresh");
    }

    @Test
    void aLostMessageIsRepairedByReconciliation() throws Exception {
        client(b).endpoint("items").query("z").block();
        assertThat(client(b).endpoint("items").state("z").status()).isEqualTo(QueryStatus.SUCCESS);

        loseMessageFor("tag:Item");
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("z").status() == QueryStatus.UNINITIALIZED,
                "reconciliation repaired the lost invalidation");
    }

    @Test
    void aRedisOutageCostsNoErrorsAndInvalidationsMadeDuringItArriveAfterwards() throws Exception {
        client(b).endpoint("items").query("w").block();
        client(a).endpoint("items").query("w").block();
        redis.stop();
        try {
            client(a).invalidateTags(Tag.of("Item", "w"));             // no error reaches the caller
            assertThat(client(a).endpoint("items").state("w").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(client(b).endpoint("items").query("w").block()).as("B keeps serving from its cache").isEqualTo("w#1");
            within(Duration.ofSeconds(30), () -> !a.getBean(RedisInvalidationBus.class).isConnected(), "A noticed the outage");
            assertThat(counter(a, "query.cache.cluster.failures")).isPositive();
        } finally {
            redis.start();
        }
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("w").status() == QueryStatus.UNINITIALIZED,
                "the invalidation made during the outage reached B after Redis came back");
    }

    private static <T> T as(String user, java.util.function.Supplier<T> work) {
        return dev.querycache.QueryScopes.callAs(user, null, work);
    }

    private static String note(ConfigurableApplicationContext ctx, String user, String arg) {
        return (String) client(ctx).endpoint("notes").query(arg)
                .contextWrite(dev.querycache.QueryScopes.withPrincipal(user)).block(Duration.ofSeconds(30));
    }

    private static QueryStatus noteStatus(ConfigurableApplicationContext ctx, String user, String arg) {
        return as(user, () -> client(ctx).endpoint("notes").state(arg).status());
    }

    @Test
    void aNumericTagIdCrossesOverWhateverItsIntegerType() throws Exception {
        client(b).endpoint("orders").query(25L).block();
        client(b).endpoint("orders").query(26L).block();
        client(a).invalidateTags(Tag.of("Order", 25));   // an Integer id here, a Long id on B's entry
        within(Duration.ofSeconds(30), () -> client(b).endpoint("orders").state(25L).status() == QueryStatus.UNINITIALIZED,
                "B's entry providing Order:25 was removed");
        assertThat(client(b).endpoint("orders").state(26L).status()).isEqualTo(QueryStatus.SUCCESS);
    }

    @Test
    void aPrincipalInvalidationReachesOnlyThatCallersEntryThenAndAtEveryLaterReconcile() throws Exception {
        assertThat(note(b, "ash", "x")).isEqualTo("ash:x#1");
        assertThat(note(b, "misty", "x")).isEqualTo("misty:x#1");
        as("ash", () -> {
            client(a).endpoint("notes").invalidate("x");
            return null;
        });
        within(Duration.ofSeconds(30), () -> noteStatus(b, "ash", "x") == QueryStatus.UNINITIALIZED,
                "ash's entry on B was removed");
        awaitMessagesAppliedOnB("after ash's message");
        awaitReconcileOnB("after ash's message");
        assertThat(noteStatus(b, "misty", "x")).as("misty's entry was never touched").isEqualTo(QueryStatus.SUCCESS);
        assertThat(note(b, "misty", "x")).isEqualTo("misty:x#1");
        assertThat(counter(b, "query.cache.cluster.repairs")).as("ash's message needed no repair: only the marker's lost one")
                .isEqualTo(1.0);

        // and when that message is lost, the repair reaches ash's entries only
        note(b, "ash", "y");
        loseMessageFor("caller:5:notes:ash");   // the version field of ash's entries of "notes"
        within(Duration.ofSeconds(30), () -> noteStatus(b, "ash", "y") == QueryStatus.UNINITIALIZED,
                "reconciliation repaired ash's lost invalidation");
        awaitReconcileOnB("after the repair of ash's entries");
        assertThat(note(b, "misty", "x")).as("still no refetch for misty").isEqualTo("misty:x#1");
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aFloodOfGarbageOnTheChannelCostsOneWarningLine(org.springframework.boot.test.system.CapturedOutput output)
            throws Exception {
        var redisTemplate = a.getBean(org.springframework.data.redis.core.ReactiveStringRedisTemplate.class);
        for (int i = 0; i < 500; i++) {
            redisTemplate.convertAndSend("query-cache:invalidations", "garbage " + i).block(Duration.ofSeconds(30));
        }
        awaitMessagesAppliedOnB("after the flood");
        long warnings = output.getOut().lines().filter(l -> l.contains("ignored an unreadable invalidation message")).count();
        // one per instance (A and B both listen), not one per message
        assertThat(warnings).as(output.getOut().lines().filter(l -> l.contains("unreadable")).toList().toString())
                .isBetween(1L, 2L);
    }

    @Test
    void garbageOnTheChannelIsDroppedAndNeverWidened() throws Exception {
        client(b).endpoint("items").query("g").block();
        note(b, "misty", "x");
        var redisTemplate = a.getBean(org.springframework.data.redis.core.ReactiveStringRedisTemplate.class);
        for (String garbage : new String[] {"not json", "42", "{}", "{\"origin\":\"x\",\"kind\":\"NOPE\"}",
                "{\"origin\":\"x\",\"kind\":\"ENTRY\",\"endpoint\":\"search\",\"arg\":{\"type\":[1]},\"versions\":{\"endpoint:search\":\"x\"}}",
                "{\"origin\":\"x\",\"kind\":\"ENTRY\",\"endpoint\":\"notes\",\"arg\":{\"bad\":1},\"principal\":\"ash\"}"}) {
            redisTemplate.convertAndSend("query-cache:invalidations", garbage).block(Duration.ofSeconds(30));
        }
        awaitMessagesAppliedOnB("after the garbage");
        awaitReconcileOnB("after the garbage");
        assertThat(client(b).endpoint("items").state("g").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(noteStatus(b, "misty", "x")).isEqualTo(QueryStatus.SUCCESS);
        client(a).invalidateTags(Tag.of("Item", "g"));
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("g").status() == QueryStatus.UNINITIALIZED,
                "the bus still works after the garbage");
    }

    @Test
    void oneUnreadableVersionFieldDoesNotStopTheRepairOfTheOthers() throws Exception {
        var redisTemplate = a.getBean(org.springframework.data.redis.core.ReactiveStringRedisTemplate.class);
        redisTemplate.opsForHash().put("query-cache:versions", "tag:Garbage", "notanumber").block(Duration.ofSeconds(30));
        try {
            client(b).endpoint("items").query("v").block();
            loseMessageFor("tag:Item");
            within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("v").status() == QueryStatus.UNINITIALIZED,
                    "the lost Item message was repaired despite the bad field");
        } finally {
            redisTemplate.opsForHash().remove("query-cache:versions", "tag:Garbage").block(Duration.ofSeconds(30));
        }
    }

    /**
     * A message lost in the first moments of an instance's life is repaired like any other: the instance reads
     * its baseline of versions before it serves anything, so a version bumped after its first fetch is a gap,
     * not part of the baseline.
     */
    @Test
    void aMessageLostRightAfterAnInstanceStartedIsRepaired() throws Exception {
        ConfigurableApplicationContext c = instance();
        try {
            client(c).endpoint("items").query("fresh").block(Duration.ofSeconds(30));
            loseMessageFor("tag:Item");
            within(Duration.ofSeconds(30), () -> client(c).endpoint("items").state("fresh").status() == QueryStatus.UNINITIALIZED,
                    "the message lost right after C started was repaired");
        } finally {
            c.close();
        }
    }

    @Test
    void twoThousandInvalidationsKeptThroughAnOutageArriveAfterItAndTheInstanceStaysHealthy() throws Exception {
        for (String k : new String[] {"k0", "k999", "k1999"}) {
            client(b).endpoint("items").query(k).block();
        }
        redis.stop();
        try {
            for (int i = 0; i < 2000; i++) {
                client(a).invalidateTags(Tag.of("Item", "k" + i));
            }
            within(Duration.ofSeconds(30), () -> !a.getBean(RedisInvalidationBus.class).isConnected(), "A noticed the outage");
        } finally {
            redis.start();
        }
        for (String k : new String[] {"k0", "k999", "k1999"}) {
            within(Duration.ofSeconds(60), () -> client(b).endpoint("items").state(k).status() == QueryStatus.UNINITIALIZED,
                    "the invalidation of " + k + " made during the outage reached B");
        }
        within(Duration.ofSeconds(30), () -> a.getBean(RedisInvalidationBus.class).isConnected(), "A is up again");
        client(b).endpoint("items").query("after").block();
        client(a).invalidateTags(Tag.of("Item", "after"));
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("after").status() == QueryStatus.UNINITIALIZED,
                "A still publishes normally");
    }

    @Test
    void anInstanceStartedWhileRedisIsDownStartsAndJoinsWhenRedisIsBack() throws Exception {
        redis.stop();
        ConfigurableApplicationContext c;
        try {
            c = instance();
            assertThat(client(c).endpoint("items").query("s").block(Duration.ofSeconds(30))).isEqualTo("s#1");
        } finally {
            redis.start();
        }
        try {
            within(Duration.ofSeconds(30), () -> c.getBean(RedisInvalidationBus.class).isConnected(), "C reached Redis");
            within(Duration.ofSeconds(60), () -> {
                client(a).invalidateTags(Tag.of("Item", "s"));
                return client(c).endpoint("items").state("s").status() == QueryStatus.UNINITIALIZED;
            }, "C receives invalidations");
        } finally {
            c.close();
        }
    }
}

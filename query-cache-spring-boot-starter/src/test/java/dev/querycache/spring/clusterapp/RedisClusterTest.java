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

/** Two application contexts ("instances") on one real redis-server. */
class RedisClusterTest {

    static RedisServer redis;

    ConfigurableApplicationContext a;
    ConfigurableApplicationContext b;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startOrSkip();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(ClusterTestApplication.class).web(WebApplicationType.NONE)
                .properties("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port,
                        "query-cache.cluster.redis.enabled=true", "query-cache.cluster.reconcile-interval=300ms",
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

    private static void within(Duration d, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + d + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aTagInvalidatedOnARefetchesBsSubscribedEntryAndRemovesBsUnusedOne() throws Exception {
        Items itemsB = b.getBean(Items.class);
        QuerySubscription<Object> sub = client(b).endpoint("items").subscribe("x");
        client(b).endpoint("items").query("y").block();
        assertThat(itemsB.calls("x")).isEqualTo(1);

        client(a).invalidateTags(Tag.of("Item"));

        within(Duration.ofSeconds(5), () -> itemsB.calls("x") == 2, "B refetched its subscribed entry");
        within(Duration.ofSeconds(5), () -> client(b).endpoint("items").state("y").status() == QueryStatus.UNINITIALIZED,
                "B removed its unused entry");
        sub.close();
    }

    @Test
    void invalidateWithARecordArgCrossesOver() throws Exception {
        SearchQuery fire = new SearchQuery("fire", 3);
        client(b).endpoint(Search.class).query(fire).block();
        client(b).endpoint(Search.class).query(new SearchQuery("water", 3)).block();

        client(a).endpoint(Search.class).invalidate(fire);

        within(Duration.ofSeconds(5), () -> client(b).endpoint(Search.class).state(fire).status() == QueryStatus.UNINITIALIZED,
                "B's entry for the same record arg was removed");
        assertThat(client(b).endpoint(Search.class).state(new SearchQuery("water", 3)).status()).isEqualTo(QueryStatus.SUCCESS);
    }

    @Test
    void aLostMessageIsRepairedByReconciliation() throws Exception {
        RedisInvalidationBus busB = b.getBean(RedisInvalidationBus.class);
        client(b).endpoint("items").query("z").block();
        busB.pauseDelivery(true);

        client(a).invalidateTags(Tag.of("Item", "z"));
        Thread.sleep(400);
        assertThat(client(b).endpoint("items").state("z").status()).as("the message was lost on B").isEqualTo(QueryStatus.SUCCESS);

        busB.pauseDelivery(false);
        within(Duration.ofSeconds(5), () -> client(b).endpoint("items").state("z").status() == QueryStatus.UNINITIALIZED,
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
            within(Duration.ofSeconds(10), () -> a.getBean(RedisInvalidationBus.class).isDown(), "A noticed the outage");
            assertThat(a.getBean(RedisInvalidationBus.class).failureCount()).isPositive();
        } finally {
            redis.start();
        }
        within(Duration.ofSeconds(30), () -> client(b).endpoint("items").state("w").status() == QueryStatus.UNINITIALIZED,
                "the invalidation made during the outage reached B after Redis came back");
    }
}

package dev.querycache.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spi.Invalidation;
import dev.querycache.spring.clusterapp.RedisTopology;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bus knows which versions it has seen before its instance serves anything: a message lost the moment after
 * {@code start} returned is a gap that reconciliation repairs, never part of the baseline.
 */
class BusBaselineTest {

    static RedisTopology redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisTopology.startOrSkip(RedisTopology.Kind.ONE_NODE);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aMessageLostTheMomentAfterStartIsRepaired() throws Exception {
        LettuceConnectionFactory factory = redis.connectionFactory();
        ReactiveStringRedisTemplate r = new ReactiveStringRedisTemplate(factory);
        r.opsForHash().put("baseline:versions", "tag:Item", "5").block(Duration.ofSeconds(30));
        List<Invalidation> received = new CopyOnWriteArrayList<>();
        ObjectProvider<QueryClient> none = new org.springframework.beans.factory.support.StaticListableBeanFactory()
                .getBeanProvider(QueryClient.class);   // no client: a repair needs none
        // a Redis slow to hand out connections at first (a busy machine, a cluster's topology being discovered)
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean(true);
        org.springframework.data.redis.connection.ReactiveRedisConnectionFactory slowAtFirst =
                (org.springframework.data.redis.connection.ReactiveRedisConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {org.springframework.data.redis.connection.ReactiveRedisConnectionFactory.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getReactiveConnection") && slow.get()) {
                                Thread.sleep(700);
                            }
                            try {
                                return method.invoke(factory, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        RedisInvalidationBus bus = new RedisInvalidationBus(slowAtFirst, new JsonMapper(), none, "baseline:channel",
                "baseline:versions", Duration.ofMillis(200));
        try {
            bus.start("me", received::add);
            // another instance bumps the version and its message is lost: the first thing after start returned
            r.opsForHash().increment("baseline:versions", "tag:Item", 1L).block(Duration.ofSeconds(30));
            slow.set(false);
            org.awaitility.Awaitility.await("the lost Item message repaired").atMost(Duration.ofSeconds(30))
                    .until(() -> !received.isEmpty());
            assertThat(received.get(0).kind()).isEqualTo(Invalidation.Kind.TAGS);
            assertThat(received.get(0).tags()).extracting(t -> t.type()).containsExactly("Item");
            assertThat(bus.repairCount()).isEqualTo(1);
        } finally {
            bus.stop();
            factory.destroy();
        }
    }
}

package dev.querycache.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryScope;
import dev.querycache.spi.Invalidation;
import dev.querycache.spring.QueryCacheConfigurationException;
import dev.querycache.spring.clusterapp.ClusterTestApplication;
import dev.querycache.spring.clusterapp.RedisTopology;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** A topology the cluster tier cannot work with fails startup naming it; the bus's versions stay bounded. */
class TopologyAndBoundsTest {

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

    /** The application's own factory: a static primary with replicas, on which Spring Data Redis refuses pub/sub. */
    @Configuration(proxyBeanMethods = false)
    static class StaticPrimaryReplica {
        @Bean
        LettuceConnectionFactory redisConnectionFactory() {
            return new LettuceConnectionFactory(new RedisStaticMasterReplicaConfiguration("127.0.0.1", redis.port()));
        }
    }

    @Test
    void aStaticPrimaryReplicaTopologyFailsStartupNamingIt() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ClusterTestApplication.class, StaticPrimaryReplica.class)
                .web(WebApplicationType.NONE)
                .properties("query-cache.cluster.redis.enabled=true", "spring.main.banner-mode=off",
                        "spring.jmx.enabled=false", "spring.config.name=cluster-test-none")
                .run())
                .isInstanceOf(QueryCacheConfigurationException.class)
                .hasMessageContaining("RedisStaticMasterReplicaConfiguration")
                .hasMessageContaining("query-cache.cluster.redis.enabled");
    }

    /** Per-caller version fields are dropped once idle (here after 300 ms; by default an hour): nothing grows with the callers that ever passed. */
    @Test
    void callerVersionFieldsAreDroppedOnceIdle() throws Exception {
        LettuceConnectionFactory factory = redis.connectionFactory();
        // the client, once built (the bus is built first, as in the application)
        org.springframework.beans.factory.support.StaticListableBeanFactory beans =
                new org.springframework.beans.factory.support.StaticListableBeanFactory();
        ObjectProvider<QueryClient> provider = beans.getBeanProvider(QueryClient.class);
        RedisInvalidationBus bus = new RedisInvalidationBus(factory, new JsonMapper(), provider, "bounds:channel",
                "bounds:versions", Duration.ofSeconds(5), Duration.ofMillis(300));
        try (QueryClient client = QueryClient.builder().invalidationBus(bus)
                .endpoint("basket", (dev.querycache.QueryFetcher<String, String>) arg -> Mono.just("x"),
                        EndpointOptions.builder().scope(QueryScope.PRINCIPAL).build())
                .build()) {
            beans.addBean("queryClient", client);
            ReactiveStringRedisTemplate r = new ReactiveStringRedisTemplate(factory);
            for (int i = 0; i < 50; i++) {
                bus.publish(Invalidation.endpoint("test", "basket", "caller-" + i));
            }
            org.awaitility.Awaitility.await("50 caller fields").atMost(Duration.ofSeconds(30))
                    .until(() -> r.opsForHash().size("bounds:versions").block() == 50);
            Thread.sleep(400);
            bus.publish(Invalidation.endpoint("test", "basket", "caller-late"));
            org.awaitility.Awaitility.await("the idle ones dropped").atMost(Duration.ofSeconds(30))
                    .until(() -> r.opsForHash().size("bounds:versions").block() == 1);
            assertThat(r.opsForHash().keys("bounds:versions").collectList().block(Duration.ofSeconds(10)))
                    .containsExactly(RedisInvalidationBus.callerField("basket", "caller-late"));
            assertThat(r.opsForZSet().size("{bounds:versions}:caller-idle").block(Duration.ofSeconds(10))).isEqualTo(1);
        } finally {
            bus.stop();
            factory.destroy();
        }
    }
}

package dev.querycache.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spring.clusterapp.RedisTopology;
import dev.querycache.spring.sharedapp.SharedTestApplication;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Closing an instance: query-cache's users of Redis stop, and close their subscription connections, before
 * Spring Data Redis's connection factory stops. A CI run once hung for good in a context's close.
 */
class ClusterShutdownTest {

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

    /** What the bus and the shared level said of themselves when the connection factory first stopped (it stops again when destroyed). */
    static final Map<String, Boolean> AT_FACTORY_STOP = new ConcurrentHashMap<>();

    /** The application's own factory (Boot's backs off), which notes the state of query-cache's Redis users. */
    @Configuration(proxyBeanMethods = false)
    static class ObservedFactory {
        @Bean
        LettuceConnectionFactory redisConnectionFactory(ObjectProvider<RedisInvalidationBus> bus,
                                                        ObjectProvider<RedisSharedLevel> level) {
            return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port())) {
                @Override
                public void stop() {
                    AT_FACTORY_STOP.putIfAbsent("bus listening", bus.getObject().isListening());
                    AT_FACTORY_STOP.putIfAbsent("shared level up", level.getObject().isUp());
                    super.stop();
                }
            };
        }
    }

    private static ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(SharedTestApplication.class, ObservedFactory.class).web(WebApplicationType.NONE)
                .properties("query-cache.cluster.redis.enabled=true", "query-cache.cluster.shared.enabled=true",
                        "query-cache.cluster.reconcile-interval=50ms", "spring.main.banner-mode=off",
                        "spring.jmx.enabled=false", "spring.config.name=shutdown-test-none")
                .run();
    }

    @Test
    void theBusAndTheSharedLevelHaveStoppedWhenTheConnectionFactoryStops() throws Exception {
        AT_FACTORY_STOP.clear();
        ConfigurableApplicationContext ctx = instance();
        ctx.getBean(QueryClient.class).endpoint("products").query("p1").block(Duration.ofSeconds(30));
        assertThat(ctx.getBean(RedisInvalidationBus.class).isListening()).isTrue();
        assertThat(ctx.getBean(RedisSharedLevel.class).isUp()).isTrue();

        ctx.close();

        assertThat(AT_FACTORY_STOP).containsEntry("bus listening", false).containsEntry("shared level up", false);
    }

    @Test
    void stoppingTheBusAndTheSharedLevelClosesTheirSubscriptionsBeforeItReturns() throws Exception {
        ConfigurableApplicationContext ctx = instance();
        try {
            String invalidations = "query-cache:invalidations";
            String ready = "query-cache:shared:ready";
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (subscribers(invalidations) < 1 || subscribers(ready) < 1) {
                assertThat(System.nanoTime()).as("both listeners subscribed").isLessThan(end);
                Thread.sleep(20);
            }

            ctx.getBean(RedisSharedLevel.class).stop();
            assertThat(subscribers(ready)).as("the shared level's listener right after stop()").isZero();

            ctx.getBean(RedisInvalidationBus.class).stop();
            assertThat(subscribers(invalidations)).as("the bus's listener right after stop()").isZero();
        } finally {
            ctx.close();
        }
    }

    /** {@code PUBSUB NUMSUB channel}, asked on a connection of its own. */
    private static long subscribers(String channel) throws IOException {
        try (Socket s = new Socket("127.0.0.1", redis.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUBSUB NUMSUB " + channel + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder reply = new StringBuilder();
            int lines = 0;
            while (lines < 5) {   // *2, $len, channel, :count
                int c = in.read();
                if (c < 0) {
                    break;
                }
                reply.append((char) c);
                if (c == '\n' && ++lines == 4) {
                    break;
                }
            }
            String[] parts = reply.toString().split("\r\n");
            return Long.parseLong(parts[3].substring(1));
        }
    }
}

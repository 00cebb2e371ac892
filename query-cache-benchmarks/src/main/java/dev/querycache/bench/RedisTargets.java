package dev.querycache.bench;

import java.util.Arrays;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The load programs' Redis: a port on 127.0.0.1, or {@code cluster:host:port,...} for a Redis Cluster (redis-topology.sh). */
final class RedisTargets {

    private RedisTargets() {
    }

    /** A started connection factory for {@code target}. */
    static LettuceConnectionFactory factory(String target) {
        LettuceConnectionFactory f = target.startsWith("cluster:")
                ? new LettuceConnectionFactory(new RedisClusterConfiguration(
                        Arrays.asList(target.substring("cluster:".length()).split(","))))
                : new LettuceConnectionFactory("127.0.0.1", Integer.parseInt(target));
        f.afterPropertiesSet();
        f.start();
        return f;
    }
}

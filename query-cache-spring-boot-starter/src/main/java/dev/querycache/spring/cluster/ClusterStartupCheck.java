package dev.querycache.spring.cluster;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheConfigurationException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import dev.querycache.QueryScope;
import dev.querycache.spring.internal.EndpointTypes;
import org.springframework.core.ResolvableType;

/**
 * Once every singleton exists (the client depends on the level, so the level cannot ask the client
 * earlier): fails startup when {@code query-cache.cluster.shared.exclude} names an unknown endpoint, warns
 * about shared endpoints whose result type cannot be proven equal after JSON, and logs one INFO line saying
 * what the cluster tier runs on (topology, channel, key prefix). Runs once, on the thread that refreshes the
 * context.
 */
final class ClusterStartupCheck implements SmartInitializingSingleton {

    private static final Log log = LogFactory.getLog(ClusterStartupCheck.class);

    private final ObjectProvider<QueryClient> client;
    private final ObjectProvider<RedisInvalidationBus> buses;
    private final ObjectProvider<RedisSharedLevel> levels;
    private final ObjectProvider<ReactiveRedisConnectionFactory> factory;
    private final String channel;
    private final Set<String> excluded;

    ClusterStartupCheck(ObjectProvider<QueryClient> client, ObjectProvider<RedisInvalidationBus> buses,
                        ObjectProvider<RedisSharedLevel> levels, ObjectProvider<ReactiveRedisConnectionFactory> factory, String channel,
                        Set<String> excluded) {
        this.client = client;
        this.buses = buses;
        this.levels = levels;
        this.factory = factory;
        this.channel = channel;
        this.excluded = excluded;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (buses.getIfAvailable() != null && isStaticPrimaryReplica(factory.getIfAvailable())) {
            throw new QueryCacheConfigurationException("query-cache's cluster tier (query-cache.cluster.redis.enabled) "
                    + "needs Redis pub/sub, which Spring Data Redis does not offer on a static primary/replica "
                    + "topology (RedisStaticMasterReplicaConfiguration): \"Pub/Sub connections not supported with "
                    + "Master/Replica configurations\"",
                    "Connect to the primary alone (spring.data.redis.host), through Sentinel (spring.data.redis.sentinel.*) "
                    + "or to a Redis Cluster (spring.data.redis.cluster.nodes), or set query-cache.cluster.redis.enabled=false");
        }
        QueryClient c = client.getIfAvailable();
        RedisSharedLevel level = levels.getIfAvailable();
        if (c != null && level != null) {
            List<String> known = c.inspector().endpointNames();
            Set<String> unknown = new TreeSet<>(excluded);
            unknown.removeAll(known);
            if (!unknown.isEmpty()) {
                throw new QueryCacheConfigurationException("Property 'query-cache.cluster.shared.exclude' names "
                        + (unknown.size() == 1 ? "an endpoint that does not exist: " : "endpoints that do not exist: ")
                        + String.join(", ", unknown),
                        "Name endpoints by their bean names; known: " + new TreeSet<>(known));
            }
            warnAboutIncomparableTypes(c);
        }
        if (buses.getIfAvailable() != null || level != null) {
            log.info("query-cache cluster tier on " + topology(factory.getIfAvailable()) + ": invalidation bus "
                    + (buses.getIfAvailable() != null ? "on (channel '" + channel + "')" : "off")
                    + ", shared level " + (level != null ? "on (key prefix '" + level.keyPrefix() + "'"
                    + (excluded.isEmpty() ? "" : ", excluded: " + new TreeSet<>(excluded)) + ")" : "off"));
        }
    }

    /**
     * Whether the factory was configured with a static primary and replicas, on which Spring Data Redis
     * refuses pub/sub. Its configuration is not public: read reflectively, and false if that ever fails.
     */
    static boolean isStaticPrimaryReplica(ReactiveRedisConnectionFactory factory) {
        if (!(factory instanceof LettuceConnectionFactory)) {
            return false;
        }
        try {
            java.lang.reflect.Field f = org.springframework.util.ReflectionUtils.findField(LettuceConnectionFactory.class,
                    "configuration");
            if (f == null) {
                return false;
            }
            org.springframework.util.ReflectionUtils.makeAccessible(f);
            return f.get(factory) instanceof org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** "Redis Cluster (nodes ...)", "Redis Sentinel (master ...)" or "one Redis node (host:port)". */
    static String topology(ReactiveRedisConnectionFactory factory) {
        if (factory == null) {
            return "Redis";
        }
        if (factory instanceof LettuceConnectionFactory l) {
            if (l.getClusterConfiguration() != null) {
                return "a Redis Cluster (seed nodes " + l.getClusterConfiguration().getClusterNodes() + ")";
            }
            if (l.getSentinelConfiguration() != null) {
                var master = l.getSentinelConfiguration().getMaster();
                return "Redis Sentinel (master '" + (master == null ? "?" : master.getName()) + "', sentinels "
                        + l.getSentinelConfiguration().getSentinels() + ")";
            }
            return "one Redis node (" + l.getHostName() + ":" + l.getPort() + ")";
        }
        return "Redis (" + factory.getClass().getSimpleName() + ")";
    }

    /** Warns once per shared endpoint whose result type cannot be proven equal after a round trip through JSON. */
    private void warnAboutIncomparableTypes(QueryClient c) {
        for (String endpoint : c.inspector().endpointNames()) {
            if (excluded.contains(endpoint) || c.inspector().scope(endpoint) == QueryScope.REQUEST) {
                continue;
            }
            Class<?> type = ResolvableType.forType(EndpointTypes.of(c, endpoint).data()).resolve();
            if (type != null && !hasValueEquality(type)) {
                log.warn("query-cache cannot share entries of endpoint '" + endpoint + "' through Redis: its result type "
                        + type.getName() + " is not a record and does not override equals, so a copy cannot be proven "
                        + "equal to what the fetcher produced and its entries stay local on each instance. Make it a "
                        + "record (or give it equals and JSON-visible fields), or name the endpoint in "
                        + "query-cache.cluster.shared.exclude");
            }
        }
    }

    static boolean hasValueEquality(Class<?> type) {
        if (type.isRecord() || type.isPrimitive() || type.isEnum() || type.isInterface() || type.isArray()
                || java.lang.reflect.Modifier.isAbstract(type.getModifiers()) || type == Object.class) {
            return !type.isArray();
        }
        try {
            return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}

package dev.querycache.spring.clusterapp;

/** Every invalidation-bus scenario on one redis-server. */
class RedisClusterTest extends BusScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.ONE_NODE;
    }
}

package dev.querycache.spring.clusterapp;

/** Every invalidation-bus scenario on a sharded Redis Cluster of three masters. */
class RedisClusterOnClusterTest extends BusScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.CLUSTER;
    }
}

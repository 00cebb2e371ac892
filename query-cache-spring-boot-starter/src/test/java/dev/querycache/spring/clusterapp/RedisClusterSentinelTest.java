package dev.querycache.spring.clusterapp;

/** Every invalidation-bus scenario on a primary with a replica and a Sentinel. */
class RedisClusterSentinelTest extends BusScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.SENTINEL;
    }
}

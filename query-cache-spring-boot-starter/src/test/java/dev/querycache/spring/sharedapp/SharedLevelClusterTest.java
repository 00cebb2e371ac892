package dev.querycache.spring.sharedapp;

import dev.querycache.spring.clusterapp.RedisTopology;

/** Every shared-level scenario on a sharded Redis Cluster of three masters. */
class SharedLevelClusterTest extends SharedLevelScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.CLUSTER;
    }
}

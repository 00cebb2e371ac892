package dev.querycache.spring.sharedapp;

import dev.querycache.spring.clusterapp.RedisTopology;

/** Every shared-level scenario on a primary with a replica and a Sentinel (the application connects through the Sentinel). */
class SharedLevelSentinelTest extends SharedLevelScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.SENTINEL;
    }
}

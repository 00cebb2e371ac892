package dev.querycache.spring.sharedapp;

import dev.querycache.spring.clusterapp.RedisTopology;

/** Every shared-level scenario on one redis-server. */
class SharedLevelTest extends SharedLevelScenarios {

    @Override
    RedisTopology.Kind topology() {
        return RedisTopology.Kind.ONE_NODE;
    }
}

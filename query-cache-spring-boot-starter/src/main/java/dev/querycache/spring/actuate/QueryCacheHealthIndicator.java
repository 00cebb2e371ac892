package dev.querycache.spring.actuate;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.QueryClient;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The query cache's health: UP with its entry and subscription counts and endpoint names, and the state of
 * its {@link InvalidationBus} (the cluster's Redis, say) in the detail {@code cluster}. An outage of the bus's
 * transport leaves it UP: the instance still answers from its local cache (invalidations from the others
 * arrive, repaired, when it is back), so an orchestrator must not restart it for that. A team that wants the
 * outage to count registers a {@code HealthIndicator} of its own over the {@code InvalidationBus} bean
 * (README, "Running several instances"). Never does I/O: answers at once, during a failover too. Thread-safe.
 */
public class QueryCacheHealthIndicator implements HealthIndicator {

    private final QueryClient client;
    private final InvalidationBus bus;

    /**
     * @param client the client reported on
     * @param bus the client's invalidation bus, or {@code null} for a single instance
     */
    public QueryCacheHealthIndicator(QueryClient client, InvalidationBus bus) {
        this.client = client;
        this.bus = bus;
    }

    @Override
    public Health health() {
        QueryClient.Inspector inspector = client.inspector();
        Health.Builder health = Health.up();
        if (bus != null) {
            health.withDetail("cluster", bus.isConnected() ? "connected" : "unreachable: invalidations from other instances "
                    + "are not arriving; they are repaired when it is back");
        }
        return health.withDetail("entries", inspector.size())
                .withDetail("subscriptions", inspector.subscriptionCount())
                .withDetail("endpoints", inspector.endpointNames())
                .build();
    }
}

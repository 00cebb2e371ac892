package dev.querycache.spring.actuate;

import dev.querycache.QueryClient;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Reports the query client as up, with its entry and subscription counts. */
public class QueryCacheHealthIndicator implements HealthIndicator {

    private final QueryClient client;

    public QueryCacheHealthIndicator(QueryClient client) {
        this.client = client;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("entries", client.inspector().size())
                .withDetail("subscriptions", client.inspector().subscriptionCount())
                .withDetail("endpoints", client.inspector().endpointNames())
                .build();
    }
}

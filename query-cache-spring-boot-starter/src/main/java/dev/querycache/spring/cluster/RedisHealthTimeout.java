package dev.querycache.spring.cluster;

import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Bounds Spring Boot's Redis health check ({@code redisHealthContributor}) by a timeout: during a failover or
 * an outage, Lettuce holds commands until it reconnects, so the check (and {@code /actuator/health} with it)
 * would wait as long; past {@code timeout} the {@code redis} component answers DOWN with a detail saying so.
 * The query cache's own health never does I/O. Only a single reactive indicator is wrapped (a composite of
 * several connection factories is left as it is). Stateless.
 */
final class RedisHealthTimeout implements BeanPostProcessor {

    static final String BEAN_NAME = "redisHealthContributor";

    private final Duration timeout;

    RedisHealthTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (BEAN_NAME.equals(beanName) && bean instanceof ReactiveHealthIndicator indicator) {
            return new Bounded(indicator, timeout);
        }
        return bean;
    }

    /** The indicator's health, or DOWN when it has not answered within the timeout. */
    private record Bounded(ReactiveHealthIndicator delegate, Duration timeout) implements ReactiveHealthIndicator {
        @Override
        public Mono<Health> health() {
            return delegate.health().timeout(timeout, Mono.fromSupplier(() -> Health.down()
                    .withDetail("error", "no answer from Redis within " + timeout
                            + " (query-cache.cluster.health-timeout): a failover or an outage")
                    .build()));
        }
    }
}

package dev.querycache.spring.observation;

import dev.querycache.spi.FetchTracing;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Observes every fetch with Micrometer's Observation API ({@link ObservedFetches}) when the application has an
 * {@link ObservationRegistry} bean (Spring Boot's actuator makes one); off otherwise. The auto-configured
 * {@code QueryClient} picks the {@link FetchTracing} bean up. Backs off for the application's own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(name = "io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor")
@ConditionalOnBean(ObservationRegistry.class)
public final class QueryCacheObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(FetchTracing.class)
    FetchTracing queryCacheObservedFetches(ObservationRegistry registry) {
        return new ObservedFetches(registry);
    }
}

package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Mono;

/** Spring's {@code @Cacheable} peers: on a {@code Mono} (Caffeine async cache manager, default and sync) and on a plain method. */
public final class SpringPeers implements AutoCloseable {

    /** The cached service; {@link #loads} counts method invocations (cache misses). */
    public static class Service {
        private final AtomicLong loads = new AtomicLong();
        private volatile Duration delay = Duration.ZERO;

        /** Method invocations so far (read through the proxy, so a method rather than a field). */
        public long loads() {
            return loads.get();
        }

        public void delay(Duration d) {
            this.delay = d;
        }

        private Mono<String> load(Integer k) {
            loads.incrementAndGet();
            Mono<String> v = Mono.just(Values.of(k));
            return delay.isZero() ? v : v.delayElement(delay);
        }

        @Cacheable(cacheNames = "mono", cacheManager = "asyncManager")
        public Mono<String> mono(Integer k) {
            return load(k);
        }

        @Cacheable(cacheNames = "monoSync", cacheManager = "asyncManager", sync = true)
        public Mono<String> monoSync(Integer k) {
            return load(k);
        }

        @Cacheable(cacheNames = "plain", cacheManager = "plainManager")
        public String plain(Integer k) {
            loads.incrementAndGet();
            return Values.of(k);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Config {
        @Bean
        @Primary
        CacheManager asyncManager() {
            CaffeineCacheManager m = new CaffeineCacheManager();
            m.setCaffeine(Caffeine.newBuilder().maximumSize(2_000_000));
            m.setAsyncCacheMode(true);
            return m;
        }

        @Bean
        CacheManager plainManager() {
            CaffeineCacheManager m = new CaffeineCacheManager();
            m.setCaffeine(Caffeine.newBuilder().maximumSize(2_000_000));
            return m;
        }

        @Bean
        Service service() {
            return new Service();
        }
    }

    private final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class);
    public final Service service = context.getBean(Service.class);

    public SpringPeers withDelay(Duration d) {
        service.delay(d);
        return this;
    }

    @Override
    public void close() {
        context.close();
    }
}

package dev.querycache.spring.actuate;

import dev.querycache.spi.FetchObserver;
import dev.querycache.QueryClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The query-cache meters: {@code query.cache.requests} (tags {@code endpoint}, {@code result}=hit|miss|dedup|shared;
 * shared counts the misses a copy in the shared level answered, a part of miss),
 * {@code query.cache.fetches} timer ({@code endpoint}, {@code outcome}=success|error|timeout|aborted),
 * gauges {@code query.cache.entries} and {@code query.cache.subscriptions}, counter
 * {@code query.cache.evictions} ({@code endpoint}). Counters read the client's own counters, so the hit
 * path does no Micrometer work; the timer records each settled fetch into every bound registry, through
 * {@link dev.querycache.QueryClient.Inspector#observeFetches}, so it works for an application's own
 * {@code QueryClient} bean too. Thread-safe.
 */
public final class QueryCacheMetrics implements MeterBinder {

    private final ObjectProvider<QueryClient> client;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    public QueryCacheMetrics(ObjectProvider<QueryClient> client) {
        this.client = client;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        QueryClient c = client.getObject();
        for (String name : c.inspector().endpointNames()) {
            requests(registry, c, name, "hit", s -> c.inspector().stats(name).hitCount());
            requests(registry, c, name, "miss", s -> c.inspector().stats(name).missCount());
            requests(registry, c, name, "dedup", s -> c.inspector().stats(name).dedupCount());
            requests(registry, c, name, "shared", s -> c.inspector().sharedCount(name));
            FunctionCounter.builder("query.cache.evictions", c, x -> x.inspector().stats(name).evictionCount())
                    .description("Entries removed by keepUnusedDataFor or maximumSize")
                    .tag("endpoint", name).register(registry);
        }
        Gauge.builder("query.cache.entries", c, x -> x.inspector().size())
                .description("Entries in the query cache").register(registry);
        Gauge.builder("query.cache.subscriptions", c, x -> x.inspector().subscriptionCount())
                .description("Live subscriptions over all entries").register(registry);
        if (registries.isEmpty()) {
            c.inspector().observeFetches(this::fetchSettled);
        }
        registries.add(registry);
    }

    private static void requests(MeterRegistry registry, QueryClient c, String endpoint, String result,
                                 ToLongFunction<QueryClient> count) {
        FunctionCounter.builder("query.cache.requests", c, x -> count.applyAsLong(x))
                .description("query() calls by result")
                .tags("endpoint", endpoint, "result", result).register(registry);
    }

    private void fetchSettled(String endpoint, Duration duration, FetchObserver.Outcome outcome) {
        for (MeterRegistry registry : registries) {
            Timer.builder("query.cache.fetches")
                    .description("Fetches by outcome, from start to settle, retries included")
                    .tags("endpoint", endpoint, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry)
                    .record(duration);
        }
    }
}

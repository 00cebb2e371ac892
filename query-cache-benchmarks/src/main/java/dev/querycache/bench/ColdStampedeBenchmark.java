package dev.querycache.bench;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Does a cold key stampede the upstream? 1 000 non-blocking callers subscribe before the (5 ms)
 * fetch answers: all on one cold key ({@code keys=1}), or 10 callers on each of 1 000 cold keys
 * ({@code keys=1000}). The aux counter {@code fetcherCalls} is the number of upstream calls per shot:
 * 1 (or 1 000) means no stampede.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ColdStampedeBenchmark {

    static final Duration UPSTREAM = Duration.ofMillis(5);

    @Param({"1", "1000"})
    int keys;

    /** Upstream calls in one shot, reported by JMH next to the time. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Calls {
        public long fetcherCalls;
    }

    @State(Scope.Thread)
    public static class Fresh {
        final AtomicLong upstreamCalls = new AtomicLong();
        QueryClient client;
        Endpoint<Integer, String> queryCache;
        AsyncCache<Integer, String> asyncCaffeine;
        SpringPeers spring;

        @Setup(Level.Invocation)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void setUp() {
            upstreamCalls.set(0);
            dev.querycache.QueryFetcher<Integer, String> upstream = k -> {
                upstreamCalls.incrementAndGet();
                return Mono.just(Values.of(k)).delayElement(UPSTREAM);
            };
            client = QueryClient.builder().endpoint("items", upstream, EndpointOptions.none()).build();
            queryCache = (Endpoint) client.endpoint("items");
            asyncCaffeine = Caffeine.newBuilder().buildAsync();
            spring = new SpringPeers().withDelay(UPSTREAM);
        }

        @TearDown(Level.Invocation)
        public void tearDown() {
            client.close();
            spring.close();
        }
    }

    private long stampede(IntFunction<Mono<String>> call, int keys) throws InterruptedException {
        int callers = keys == 1 ? 1_000 : keys * 10;
        CountDownLatch done = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            call.apply(i % keys).subscribe(v -> done.countDown(), e -> done.countDown());
        }
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("callers did not all get an answer");
        }
        return callers;
    }

    @Benchmark
    public long queryCache(Fresh f, Calls calls) throws InterruptedException {
        long n = stampede(i -> f.queryCache.query(Values.key(i)), keys);
        calls.fetcherCalls += f.upstreamCalls.get();
        return n;
    }

    @Benchmark
    public long caffeineAsyncGet(Fresh f, Calls calls) throws InterruptedException {
        long n = stampede(i -> Mono.fromFuture(f.asyncCaffeine.get(Values.key(i), (k, e) -> {
            f.upstreamCalls.incrementAndGet();
            CompletableFuture<String> cf = new CompletableFuture<>();
            Mono.just(Values.of(k)).delayElement(UPSTREAM).subscribe(cf::complete);
            return cf;
        })), keys);
        calls.fetcherCalls += f.upstreamCalls.get();
        return n;
    }

    @Benchmark
    public long springMono(Fresh f, Calls calls) throws InterruptedException {
        long n = stampede(i -> f.spring.service.mono(Values.key(i)), keys);
        calls.fetcherCalls += f.spring.service.loads();
        return n;
    }

    @Benchmark
    public long springMonoSync(Fresh f, Calls calls) throws InterruptedException {
        long n = stampede(i -> f.spring.service.monoSync(Values.key(i)), keys);
        calls.fetcherCalls += f.spring.service.loads();
        return n;
    }
}

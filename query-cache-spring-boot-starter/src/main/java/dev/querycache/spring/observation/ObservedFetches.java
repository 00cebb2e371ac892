package dev.querycache.spring.observation;

import dev.querycache.QueryAbortedException;
import dev.querycache.QueryTimeoutException;
import dev.querycache.spi.FetchTracing;
import dev.querycache.spring.internal.FetchRun;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Each fetch as a Micrometer {@link Observation} named {@value #FETCH}, a child of the observation in the
 * Reactor Context of the caller that started it, and itself in the Context the fetcher runs in, so the
 * fetcher's upstream call (WebClient's own observation) nests under it. Low-cardinality keys: {@code endpoint},
 * {@code outcome} ({@code success}, {@code error}, {@code timeout}, {@code aborted}, {@code cancelled}) and
 * {@code mode}, how it ran ({@code local}, {@code lease-holder}, {@code after-lease-wait}, {@code takeover},
 * {@code shared-copy}: answered by a copy from Redis, with the event {@value #SHARED_COPY}). A caller that joins
 * a running fetch gets a short observation {@value #JOIN} under its own. A hit creates nothing (the
 * {@code query.cache.requests} counter counts hits). Thread-safe.
 */
final class ObservedFetches implements FetchTracing {

    static final String FETCH = "query.cache.fetch";
    static final String JOIN = "query.cache.join";
    static final String SHARED_COPY = "query.cache.shared.copy";

    private final ObservationRegistry registry;

    ObservedFetches(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Mono<Object> trace(String endpoint, Mono<Object> fetch, ContextView caller) {
        return Mono.defer(() -> {
            FetchRun run = new FetchRun();
            Observation observation = Observation.createNotStarted(FETCH, registry)
                    .contextualName("query-cache fetch " + endpoint)
                    .parentObservation(parentOf(caller))
                    .lowCardinalityKeyValue("endpoint", endpoint)
                    .start();
            java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
            // stopped as the outcome arrives, before the cache hands it to the callers: a caller that has its data
            // finds the fetch's observation complete
            return fetch
                    .doOnSuccess(v -> stop(observation, run, stopped, "success", null))
                    .doOnError(e -> stop(observation, run, stopped, e instanceof QueryTimeoutException ? "timeout"
                            : e instanceof QueryAbortedException ? "aborted" : "error", e))
                    .doOnCancel(() -> stop(observation, run, stopped, "cancelled", null))
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, observation).put(FetchRun.KEY, run));
        });
    }

    private static void stop(Observation observation, FetchRun run, java.util.concurrent.atomic.AtomicBoolean stopped,
                             String outcome, Throwable error) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (error != null) {
            observation.error(error);
        }
        if (run.answeredBySharedCopy()) {
            observation.event(Observation.Event.of(SHARED_COPY, "answered by a copy from Redis"));
        }
        observation.lowCardinalityKeyValue(KeyValue.of("outcome", outcome))
                .lowCardinalityKeyValue(KeyValue.of("mode", run.mode()))
                .stop();
    }

    @Override
    public void joined(String endpoint, ContextView caller) {
        Observation.createNotStarted(JOIN, registry)
                .contextualName("query-cache join " + endpoint)
                .parentObservation(parentOf(caller))
                .lowCardinalityKeyValue("endpoint", endpoint)
                .start().stop();
    }

    private static Observation parentOf(ContextView caller) {
        Object parent = caller.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        return parent instanceof Observation o && !o.isNoop() ? o : null;
    }
}

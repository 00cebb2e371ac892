package dev.querycache;

import java.time.Duration;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Publishes {@link QueryCacheEvent}s to the subscribers of {@link QueryClient#events()}. Costs one
 * volatile read when nobody listens. Each subscriber has its own buffer of 10 000 events (oldest dropped
 * beyond). Thread-safe; call with no lock held, since subscribers may run on the calling thread.
 */
final class EventPublisher {

    private static final Sinks.EmitFailureHandler RETRY = Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1));

    private final Sinks.Many<QueryCacheEvent> sink = Sinks.many().multicast().directBestEffort();

    void publish(QueryCacheEvent.Type type, Query query) {
        if (sink.currentSubscriberCount() == 0) {
            return;
        }
        sink.emitNext(new QueryCacheEvent(type, query.state().view()), RETRY);
    }

    Flux<QueryCacheEvent> flux() {
        return sink.asFlux().onBackpressureBuffer(10_000, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST);
    }

    void complete() {
        sink.emitComplete(RETRY);
    }
}

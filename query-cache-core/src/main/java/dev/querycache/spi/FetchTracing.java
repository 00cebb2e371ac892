package dev.querycache.spi;

import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Traces fetches for an observability integration (the starter's Micrometer {@code Observation}s): the
 * client hands it the work of every fetch it starts, with the Reactor Context of the caller whose request
 * started it, and tells it of every caller that joined a fetch already running. A hit calls nothing.
 *
 * <p>{@link #trace} is called once per fetch, with no lock held, on the thread that started it; the
 * returned {@code Mono} is subscribed once, in place of {@code fetch}. A fetch started by the cache itself
 * (polling, a refetch after an invalidation, stale-while-revalidate) has an empty caller context.
 * Implementations must be thread-safe and must not block.
 */
public interface FetchTracing {

    /**
     * The fetch's work as it should run: {@code fetch} itself, decorated (for example, run as the child of
     * the caller's observation, with its own observation in the Context the fetcher sees).
     *
     * @param endpoint the endpoint's name
     * @param fetch the fetch's work (through the shared level when there is one)
     * @param caller the Reactor Context of the caller that started it; empty when the cache started it
     */
    Mono<Object> trace(String endpoint, Mono<Object> fetch, ContextView caller);

    /**
     * A caller joined a fetch of {@code endpoint} that was already running (it made no fetch of its own).
     * Called on the caller's thread, with no lock held. Default: nothing.
     */
    default void joined(String endpoint, ContextView caller) {
    }
}

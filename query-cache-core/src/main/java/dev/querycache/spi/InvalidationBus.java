package dev.querycache.spi;

import java.util.function.Consumer;

/**
 * Carries invalidations between the instances of a service, so that a write on one instance
 * invalidates the matching entries on all of them ({@link dev.querycache.QueryClient.Builder#invalidationBus}).
 *
 * <p>The client publishes every invalidation it makes — {@code invalidateTags} (and so
 * {@code @InvalidatesTags}), {@code Endpoint.invalidate(arg)}, {@code invalidateAll()} — after applying
 * it locally; {@code setData} is not published. What the bus delivers is applied exactly as a local
 * invalidation (subscribed entries refetch, unused ones are removed) and is not published again; a
 * client ignores invalidations whose origin is its own {@link dev.querycache.QueryClient.Inspector#instanceId()}.
 *
 * <p>Implementations must be thread-safe; {@link #publish} must not block and must not throw (a bus
 * that cannot reach its transport keeps what it could not send and repairs it later, or drops it and
 * says so in its documentation).
 */
public interface InvalidationBus {

    /** Sends what this instance invalidated to the others. */
    void publish(Invalidation invalidation);

    /**
     * Starts delivering the other instances' invalidations to {@code receiver}; called once, by the
     * client, when it is built.
     *
     * @param instanceId the client's own id, to recognise its own messages
     * @param receiver applies an invalidation locally (thread-safe, non-blocking)
     */
    void start(String instanceId, Consumer<Invalidation> receiver);

    /**
     * Whether the bus can reach its transport now; a health check reports the cache DOWN while it cannot
     * (invalidations made meanwhile are kept or repaired as the implementation documents). Default: true.
     */
    default boolean isConnected() {
        return true;
    }

    /** Stops delivering; called when the client closes. */
    default void stop() {
    }
}

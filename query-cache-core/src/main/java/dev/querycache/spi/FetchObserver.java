package dev.querycache.spi;

import java.time.Duration;

/**
 * Told when each fetch settles, for metrics and tracing ({@link dev.querycache.QueryClient.Builder#fetchObserver}).
 * Called on the thread that settled the fetch, with no lock held; must be fast, thread-safe and must not
 * throw (exceptions are swallowed so that they cannot break the cache).
 */
@FunctionalInterface
public interface FetchObserver {

    /** How a fetch ended. */
    enum Outcome {
        /** The data was stored. */
        SUCCESS,
        /** The fetcher failed (after retries). */
        ERROR,
        /** The last attempt took longer than fetchTimeout. */
        TIMEOUT,
        /** {@code abort}, {@code resetApiState} or {@code close} stopped it. */
        ABORTED
    }

    /**
     * @param endpoint the endpoint's name
     * @param duration wall-clock time from the start of the fetch (all attempts) to its end
     * @param outcome how it ended
     */
    void fetchSettled(String endpoint, Duration duration, Outcome outcome);
}

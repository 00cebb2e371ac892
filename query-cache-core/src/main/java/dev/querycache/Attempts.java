package dev.querycache;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Wraps one fetcher call with the endpoint's fetch timeout (per attempt) and retries with exponential
 * backoff (doubling from retryBackoff, at most 30s, no jitter so tests can step a virtual clock).
 * Aborts are never retried; when retries run out the last error is surfaced as it is. Stateless.
 */
final class Attempts {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private Attempts() {
    }

    static <T> Mono<T> wrap(String endpoint, Object arg, ResolvedOptions options, Scheduler scheduler,
                            java.util.function.Supplier<Mono<T>> call) {
        Duration timeout = options.fetchTimeout();
        Mono<T> attempt = Mono.defer(call).timeout(timeout,
                Mono.error(() -> new QueryTimeoutException("fetch of endpoint '" + endpoint + "' for arg " + arg
                        + " took longer than fetchTimeout " + timeout)),
                scheduler);
        if (options.retries() == 0) {
            return attempt;
        }
        Retry retry = Retry.backoff(options.retries(), options.retryBackoff())
                .maxBackoff(MAX_BACKOFF)
                .jitter(0)
                .scheduler(scheduler)
                .filter(e -> !(e instanceof QueryAbortedException))
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
        return attempt.retryWhen(retry);
    }
}

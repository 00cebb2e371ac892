package dev.querycache;

import java.time.Duration;
import java.util.Set;

/**
 * One endpoint's options after precedence (explicit > annotation > client defaults > built-in) and
 * validation, in the units the engine uses. Immutable.
 */
record ResolvedOptions(long keepUnusedNanos, long staleMillis, boolean staleWhileRevalidate, int maxPages,
                       boolean refetchCachedPages, int retries, Duration retryBackoff, Duration fetchTimeout,
                       Set<Tag> staticTags, QueryScope scope, long maximumSize) {

    static final EndpointOptions BUILT_IN = EndpointOptions.builder()
            .keepUnusedDataFor(Duration.ofSeconds(60))
            .staleTime(EndpointOptions.NEVER)
            .staleWhileRevalidate(false)
            .maxPages(0)
            .refetchCachedPages(true)
            .retries(0)
            .retryBackoff(Duration.ofMillis(100))
            .fetchTimeout(Duration.ofSeconds(30))
            .scope(QueryScope.SHARED)
            .build();

    /**
     * Resolves and validates {@code merged} (every option set).
     *
     * @throws IllegalArgumentException naming {@code endpoint} and the option
     */
    static ResolvedOptions of(String endpoint, EndpointOptions merged, Set<Tag> staticTags, boolean infinite) {
        Duration keep = nonNegative(endpoint, "keepUnusedDataFor", merged.keepUnusedDataFor().orElseThrow());
        Duration stale = nonNegative(endpoint, "staleTime", merged.staleTime().orElseThrow());
        Duration backoff = nonNegative(endpoint, "retryBackoff", merged.retryBackoff().orElseThrow());
        Duration timeout = merged.fetchTimeout().orElseThrow();
        if (timeout.isNegative() || timeout.isZero()) {
            throw invalid(endpoint, "fetchTimeout", "must be positive but was " + timeout);
        }
        int maxPages = merged.maxPages().orElseThrow();
        if (maxPages < 0) {
            throw invalid(endpoint, "maxPages", "must not be negative but was " + maxPages);
        }
        int retries = merged.retries().orElseThrow();
        if (retries < 0) {
            throw invalid(endpoint, "retries", "must not be negative but was " + retries);
        }
        QueryScope scope = merged.scope().orElseThrow();
        long maximumSize = merged.maximumSize().orElseThrow();
        if (maximumSize < 0) {
            throw invalid(endpoint, "maximumSize", "must not be negative but was " + maximumSize);
        }
        return new ResolvedOptions(Durations.toNanosSaturated(keep), Durations.toMillisSaturated(stale),
                merged.staleWhileRevalidate().orElseThrow(), maxPages, merged.refetchCachedPages().orElseThrow(),
                retries, backoff, timeout, Set.copyOf(staticTags), scope, maximumSize);
    }

    private static Duration nonNegative(String endpoint, String option, Duration d) {
        if (d.isNegative()) {
            throw invalid(endpoint, option, "must not be negative but was " + d);
        }
        return d;
    }

    static IllegalArgumentException invalid(String endpoint, String option, String problem) {
        return new IllegalArgumentException("endpoint '" + endpoint + "': " + option + " " + problem);
    }
}

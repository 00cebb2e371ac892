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

    static final EndpointOptions BUILT_IN = builtIn();

    private static EndpointOptions builtIn() {
        EndpointOptions options = EndpointOptions.none();
        for (EndpointOption option : EndpointOption.all()) {
            options = options.with(option, option.builtIn());
        }
        return options;
    }

    /** Resolves {@code merged} (every option set, every value already checked). */
    static ResolvedOptions of(EndpointOptions merged, Set<Tag> staticTags) {
        Duration keep = merged.get(EndpointOption.KEEP_UNUSED_DATA_FOR);
        Duration stale = merged.get(EndpointOption.STALE_TIME);
        return new ResolvedOptions(Durations.toNanosSaturated(keep), Durations.toMillisSaturated(stale),
                merged.get(EndpointOption.STALE_WHILE_REVALIDATE), merged.get(EndpointOption.MAX_PAGES),
                merged.get(EndpointOption.REFETCH_CACHED_PAGES), merged.get(EndpointOption.RETRIES),
                merged.get(EndpointOption.RETRY_BACKOFF), merged.get(EndpointOption.FETCH_TIMEOUT),
                Set.copyOf(staticTags), merged.get(EndpointOption.SCOPE), merged.get(EndpointOption.MAXIMUM_SIZE));
    }
}

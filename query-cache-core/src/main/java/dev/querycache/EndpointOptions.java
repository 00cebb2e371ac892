package dev.querycache;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Options of one endpoint, each optional. An option left unset falls back, in order, to the endpoint's
 * annotation ({@link QueryEndpoint} / {@link InfiniteQueryEndpoint}) and then to the client defaults
 * ({@link QueryClient.Builder#defaults(EndpointOptions)}), whose own fallbacks are: keepUnusedDataFor
 * 60s, staleTime {@link #NEVER}, staleWhileRevalidate false, maxPages 0 (unlimited),
 * refetchCachedPages true, retries 0, retryBackoff 100ms (doubling per attempt), fetchTimeout 30s.
 *
 * <p>Values are checked when the client is built ({@link QueryClient.Builder#build()}), so that the
 * error can name the endpoint. Immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class EndpointOptions {

    /** "Never": as keepUnusedDataFor, keep unused entries forever; as staleTime, data never goes stale. */
    public static final Duration NEVER = ChronoUnit.FOREVER.getDuration();

    private static final EndpointOptions NONE = new Builder().build();

    /** Indexed by {@link EndpointOption#ordinal()}; {@code null} = unset. */
    private final Object[] values;

    private EndpointOptions(Object[] values) {
        this.values = values;
    }

    /** A builder with every option unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with every option unset. */
    public static EndpointOptions none() {
        return NONE;
    }

    /** The value of {@code option}, {@code null} when unset. */
    @SuppressWarnings("unchecked")
    <T> T get(EndpointOption option) {
        return (T) values[option.ordinal()];
    }

    /** These options, with every unset option taken from {@code fallback}. */
    EndpointOptions orElse(EndpointOptions fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Object[] merged = values.clone();
        for (int i = 0; i < merged.length; i++) {
            if (merged[i] == null) {
                merged[i] = fallback.values[i];
            }
        }
        return new EndpointOptions(merged);
    }

    /**
     * Checks every option that is set.
     *
     * @throws InvalidEndpointOptionException for the first value an option does not accept
     */
    EndpointOptions check(String endpoint, InvalidEndpointOptionException.Source source) {
        for (EndpointOption option : EndpointOption.all()) {
            Object value = values[option.ordinal()];
            if (value != null) {
                option.check(endpoint, value, source);
            }
        }
        return this;
    }

    /** Options with {@code option} set to {@code value} (already of the option's type) and the rest as these. */
    EndpointOptions with(EndpointOption option, Object value) {
        Object[] copy = values.clone();
        copy[option.ordinal()] = option.type().cast(value);
        return new EndpointOptions(copy);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("EndpointOptions{");
        for (EndpointOption option : EndpointOption.all()) {
            Object value = values[option.ordinal()];
            if (value != null) {
                out.append(out.length() > 16 ? ", " : "").append(option.optionName()).append('=').append(value);
            }
        }
        return out.append('}').toString();
    }

    /** Collects options; every setter is optional and the last call for an option wins. Not thread-safe. */
    public static final class Builder {
        private final Object[] values = new Object[EndpointOption.all().length];

        private Builder() {
        }

        private Builder set(EndpointOption option, Object value) {
            values[option.ordinal()] = Objects.requireNonNull(value, option.optionName());
            return this;
        }

        /** How long an entry without subscribers is kept; {@link Duration#ZERO} removes it at once, {@link #NEVER} keeps it. */
        public Builder keepUnusedDataFor(Duration d) { return set(EndpointOption.KEEP_UNUSED_DATA_FOR, d); }

        /** How long fetched data counts as fresh; {@link #NEVER} = never stale. */
        public Builder staleTime(Duration d) { return set(EndpointOption.STALE_TIME, d); }

        /** Whether {@code query} answers stale data at once and refetches in the background. */
        public Builder staleWhileRevalidate(boolean b) { return set(EndpointOption.STALE_WHILE_REVALIDATE, b); }

        /** Most pages per infinite entry, 0 = unlimited; must not be negative. */
        public Builder maxPages(int n) { return set(EndpointOption.MAX_PAGES, n); }

        /** Whether a refetch of an infinite entry fetches every cached page again or only the first. */
        public Builder refetchCachedPages(boolean b) { return set(EndpointOption.REFETCH_CACHED_PAGES, b); }

        /** How often a failed fetch (or page fetch) is tried again; must not be negative. */
        public Builder retries(int n) { return set(EndpointOption.RETRIES, n); }

        /** Wait before the first retry; doubles with each further retry (at most 30s). */
        public Builder retryBackoff(Duration d) { return set(EndpointOption.RETRY_BACKOFF, d); }

        /** Longest one fetch attempt may take before it fails with {@link QueryTimeoutException}; must be positive. */
        public Builder fetchTimeout(Duration d) { return set(EndpointOption.FETCH_TIMEOUT, d); }

        /** Who shares the entries ({@link QueryScope}). */
        public Builder scope(QueryScope s) { return set(EndpointOption.SCOPE, s); }

        /**
         * Most unused entries this endpoint keeps (entries with a subscriber or a running fetch do not count);
         * beyond it Caffeine evicts by its policy (W-TinyLFU). Unset: the client's
         * {@link QueryClient.Builder#maximumSize(long)}. Must not be negative.
         */
        public Builder maximumSize(long n) { return set(EndpointOption.MAXIMUM_SIZE, n); }

        /** The options; checked later, when the client is built, so that an error can name the endpoint. */
        public EndpointOptions build() {
            return new EndpointOptions(values.clone());
        }
    }
}

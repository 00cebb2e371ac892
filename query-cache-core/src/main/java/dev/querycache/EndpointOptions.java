package dev.querycache;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

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

    private final Duration keepUnusedDataFor;
    private final Duration staleTime;
    private final Boolean staleWhileRevalidate;
    private final Integer maxPages;
    private final Boolean refetchCachedPages;
    private final Integer retries;
    private final Duration retryBackoff;
    private final Duration fetchTimeout;
    private final QueryScope scope;
    private final Long maximumSize;

    private EndpointOptions(Builder b) {
        this.keepUnusedDataFor = b.keepUnusedDataFor;
        this.staleTime = b.staleTime;
        this.staleWhileRevalidate = b.staleWhileRevalidate;
        this.maxPages = b.maxPages;
        this.refetchCachedPages = b.refetchCachedPages;
        this.retries = b.retries;
        this.retryBackoff = b.retryBackoff;
        this.fetchTimeout = b.fetchTimeout;
        this.scope = b.scope;
        this.maximumSize = b.maximumSize;
    }

    /** A builder with every option unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with every option unset. */
    public static EndpointOptions none() {
        return NONE;
    }

    public Optional<Duration> keepUnusedDataFor() { return Optional.ofNullable(keepUnusedDataFor); }
    public Optional<Duration> staleTime() { return Optional.ofNullable(staleTime); }
    public Optional<Boolean> staleWhileRevalidate() { return Optional.ofNullable(staleWhileRevalidate); }
    public Optional<Integer> maxPages() { return Optional.ofNullable(maxPages); }
    public Optional<Boolean> refetchCachedPages() { return Optional.ofNullable(refetchCachedPages); }
    public Optional<Integer> retries() { return Optional.ofNullable(retries); }
    public Optional<Duration> retryBackoff() { return Optional.ofNullable(retryBackoff); }
    public Optional<Duration> fetchTimeout() { return Optional.ofNullable(fetchTimeout); }
    public Optional<QueryScope> scope() { return Optional.ofNullable(scope); }
    public Optional<Long> maximumSize() { return Optional.ofNullable(maximumSize); }

    /**
     * These options, with every unset option taken from {@code fallback}.
     *
     * @param fallback the lower-precedence options
     * @return the merged options
     */
    public EndpointOptions orElse(EndpointOptions fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Builder b = new Builder();
        b.keepUnusedDataFor = keepUnusedDataFor != null ? keepUnusedDataFor : fallback.keepUnusedDataFor;
        b.staleTime = staleTime != null ? staleTime : fallback.staleTime;
        b.staleWhileRevalidate = staleWhileRevalidate != null ? staleWhileRevalidate : fallback.staleWhileRevalidate;
        b.maxPages = maxPages != null ? maxPages : fallback.maxPages;
        b.refetchCachedPages = refetchCachedPages != null ? refetchCachedPages : fallback.refetchCachedPages;
        b.retries = retries != null ? retries : fallback.retries;
        b.retryBackoff = retryBackoff != null ? retryBackoff : fallback.retryBackoff;
        b.fetchTimeout = fetchTimeout != null ? fetchTimeout : fallback.fetchTimeout;
        b.scope = scope != null ? scope : fallback.scope;
        b.maximumSize = maximumSize != null ? maximumSize : fallback.maximumSize;
        return b.build();
    }

    @Override
    public String toString() {
        return "EndpointOptions{keepUnusedDataFor=" + keepUnusedDataFor + ", staleTime=" + staleTime
                + ", staleWhileRevalidate=" + staleWhileRevalidate + ", maxPages=" + maxPages
                + ", refetchCachedPages=" + refetchCachedPages + ", retries=" + retries
                + ", retryBackoff=" + retryBackoff + ", fetchTimeout=" + fetchTimeout + ", scope=" + scope + ", maximumSize=" + maximumSize + "}";
    }

    /** Collects options; every setter is optional. Not thread-safe. */
    public static final class Builder {
        private Duration keepUnusedDataFor;
        private Duration staleTime;
        private Boolean staleWhileRevalidate;
        private Integer maxPages;
        private Boolean refetchCachedPages;
        private Integer retries;
        private Duration retryBackoff;
        private Duration fetchTimeout;
        private QueryScope scope;
        private Long maximumSize;

        private Builder() {
        }

        /** How long an entry without subscribers is kept; {@link Duration#ZERO} removes it at once, {@link #NEVER} keeps it. */
        public Builder keepUnusedDataFor(Duration d) { this.keepUnusedDataFor = d; return this; }

        /** How long fetched data counts as fresh; {@link #NEVER} = never stale. */
        public Builder staleTime(Duration d) { this.staleTime = d; return this; }

        /** Whether {@code query} answers stale data at once and refetches in the background. */
        public Builder staleWhileRevalidate(boolean b) { this.staleWhileRevalidate = b; return this; }

        /** Most pages per infinite entry, 0 = unlimited; must not be negative. */
        public Builder maxPages(int n) { this.maxPages = n; return this; }

        /** Whether a refetch of an infinite entry fetches every cached page again or only the first. */
        public Builder refetchCachedPages(boolean b) { this.refetchCachedPages = b; return this; }

        /** How often a failed fetch (or page fetch) is tried again; must not be negative. */
        public Builder retries(int n) { this.retries = n; return this; }

        /** Wait before the first retry; doubles with each further retry (at most 30s). */
        public Builder retryBackoff(Duration d) { this.retryBackoff = d; return this; }

        /** Longest one fetch attempt may take before it fails with {@link QueryTimeoutException}. */
        public Builder fetchTimeout(Duration d) { this.fetchTimeout = d; return this; }

        /** Who shares the entries. */
        public Builder scope(QueryScope s) { this.scope = s; return this; }

        /**
         * Most unused entries this endpoint keeps (entries with a subscriber or a running fetch do not count);
         * beyond it Caffeine evicts by its policy (W-TinyLFU). Unset: the client's
         * {@link QueryClient.Builder#maximumSize(long)}. Must not be negative.
         */
        public Builder maximumSize(long n) { this.maximumSize = n; return this; }

        /** The options; validated later, when the client is built. */
        public EndpointOptions build() {
            return new EndpointOptions(this);
        }
    }
}

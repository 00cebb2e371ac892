package dev.querycache.sample.pokedex;

import dev.querycache.QueryState;
import dev.querycache.QueryStatus;

/**
 * What a query call is about to be — hit, dedup or miss — read from the entry's state just before the
 * call, and the {@code Server-Timing} header that reports it with the time spent waiting on the upstream.
 */
record CacheTiming(String result, long startNanos) {

    static CacheTiming before(QueryState<?> state) {
        String result = state.status() == QueryStatus.SUCCESS && !state.isStale() ? "hit"
                : state.isFetching() ? "dedup" : "miss";
        return new CacheTiming(result, System.nanoTime());
    }

    String header() {
        double upstreamMillis = result.equals("hit") ? 0 : (System.nanoTime() - startNanos) / 1_000_000.0;
        return "cache;desc=\"" + result + "\", upstream;dur=" + String.format(java.util.Locale.ROOT, "%.1f", upstreamMillis);
    }
}

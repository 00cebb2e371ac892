package dev.querycache;

import java.time.Instant;
import java.util.Set;

/**
 * The public snapshot of a plain entry: one {@link EntrySnapshot} with the entry's endpoint and key. Made on
 * demand ({@code state}, {@code entries}, events, watchers), never on the hit path. Immutable.
 *
 * The key is the arg as the cache keys it (a {@link ScopedArg} for {@code PRINCIPAL} entries).
 */
final class StateView implements QueryState<Object> {

    private final EndpointRuntime runtime;
    private final Object key;
    final EntrySnapshot s;

    StateView(EndpointRuntime runtime, Object key, EntrySnapshot s) {
        this.runtime = runtime;
        this.key = key;
        this.s = s;
    }

    /** The public snapshot of {@code s}: a {@code StateView}, or an {@link InfiniteStateView} for an infinite endpoint. */
    static QueryState<?> of(EndpointRuntime endpoint, Object key, EntrySnapshot s) {
        StateView v = new StateView(endpoint, key, s);
        return endpoint.isInfinite() ? new InfiniteStateView(v) : v;
    }

    @Override
    public String endpoint() {
        return runtime.name();
    }

    @Override
    public Object arg() {
        return EntryKey.userArg(key);
    }

    @Override
    public String principal() {
        return EntryKey.principal(key);
    }

    @Override
    public QueryStatus status() {
        return s.status();
    }

    @Override
    public Object data() {
        return s.data;
    }

    @Override
    public Throwable error() {
        return s.status() == QueryStatus.ERROR ? s.error : null;
    }

    @Override
    public Instant fulfilledAt() {
        return s.hasData ? Instant.ofEpochMilli(s.fulfilledAtMillis) : null;
    }

    @Override
    public Source source() {
        return s.hasData ? s.source() : null;
    }

    @Override
    public boolean isFetching() {
        return s.fetching() != null;
    }

    @Override
    public boolean isStale() {
        // the one freshness rule: stale exactly when query(arg) would fetch (EntrySnapshot.isFreshAt)
        return !s.isFreshAt(runtime.nowMillis(), runtime.options().staleMillis());
    }

    @Override
    public int subscriberCount() {
        return s.subscribers;
    }

    @Override
    public Set<Tag> tags() {
        return s.tags;
    }

    boolean hasNextPage() {
        return s.hasNext;
    }

    boolean hasPreviousPage() {
        return s.hasPrevious;
    }

    boolean isFetchingNextPage() {
        return s.fetching() == FetchKind.NEXT;
    }

    boolean isFetchingPreviousPage() {
        return s.fetching() == FetchKind.PREVIOUS;
    }

    boolean isFetchNextPageError() {
        return s.status() == QueryStatus.ERROR && s.failedKind() == FetchKind.NEXT;
    }

    boolean isFetchPreviousPageError() {
        return s.status() == QueryStatus.ERROR && s.failedKind() == FetchKind.PREVIOUS;
    }

    @Override
    public String toString() {
        return "QueryState{" + runtime.name() + "(" + key + "), " + s + "}";
    }
}

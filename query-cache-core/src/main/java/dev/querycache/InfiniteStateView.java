package dev.querycache;

import java.time.Instant;
import java.util.Set;

/** The public snapshot of an infinite entry: a {@link StateView} with its data typed as pages. Immutable. */
record InfiniteStateView(StateView s) implements InfiniteQueryState<Object, Object> {

    @Override public String endpoint() { return s.endpoint(); }
    @Override public Object arg() { return s.arg(); }
    @Override public String principal() { return s.principal(); }
    @Override public QueryStatus status() { return s.status(); }
    @SuppressWarnings("unchecked")
    @Override public InfiniteData<Object, Object> data() { return (InfiniteData<Object, Object>) s.data(); }
    @Override public Throwable error() { return s.error(); }
    @Override public Instant fulfilledAt() { return s.fulfilledAt(); }
    @Override public boolean isFetching() { return s.isFetching(); }
    @Override public boolean isStale() { return s.isStale(); }
    @Override public int subscriberCount() { return s.subscriberCount(); }
    @Override public Set<Tag> tags() { return s.tags(); }
    @Override public boolean hasNextPage() { return s.hasNextPage(); }
    @Override public boolean hasPreviousPage() { return s.hasPreviousPage(); }
    @Override public boolean isFetchingNextPage() { return s.isFetchingNextPage(); }
    @Override public boolean isFetchingPreviousPage() { return s.isFetchingPreviousPage(); }
    @Override public boolean isFetchNextPageError() { return s.isFetchNextPageError(); }
    @Override public boolean isFetchPreviousPageError() { return s.isFetchPreviousPageError(); }

    @Override
    public String toString() {
        return s.toString();
    }
}

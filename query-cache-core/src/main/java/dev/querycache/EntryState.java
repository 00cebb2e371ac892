package dev.querycache;

import java.time.Instant;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The immutable state of one entry (the reducer's state): every change makes a new instance with a
 * higher {@link #version}. It is the public snapshot of a plain entry; {@link #view()} wraps it for an
 * infinite one (one class cannot be both, generics erase {@code data()} differently). Thread-safe by
 * immutability.
 */
final class EntryState implements QueryState<Object> {

    static final long NO_TIME = Long.MIN_VALUE;

    final EndpointRuntime endpoint;
    final Object arg;
    final long version;
    final QueryStatus status;
    final Object data;
    final boolean hasData;
    final Throwable error;
    final long fulfilledAtMillis;
    /** The running fetch's kind, or null when none runs. */
    final FetchKind fetching;
    final FetchKind failedKind;
    final boolean invalidated;
    final Set<Tag> tags;
    final int subscribers;
    final boolean hasNext;
    final boolean hasPrevious;
    /** The data as a ready-made Mono, so that a hit allocates nothing. */
    final Mono<Object> dataMono;

    private EntryState(EndpointRuntime endpoint, Object arg, long version, QueryStatus status, Object data,
                       boolean hasData, Throwable error, long fulfilledAtMillis, FetchKind fetching,
                       FetchKind failedKind, boolean invalidated, Set<Tag> tags, int subscribers, boolean hasNext,
                       boolean hasPrevious, Mono<Object> dataMono) {
        this.endpoint = endpoint;
        this.arg = arg;
        this.version = version;
        this.status = status;
        this.data = data;
        this.hasData = hasData;
        this.error = error;
        this.fulfilledAtMillis = fulfilledAtMillis;
        this.fetching = fetching;
        this.failedKind = failedKind;
        this.invalidated = invalidated;
        this.tags = tags;
        this.subscribers = subscribers;
        this.hasNext = hasNext;
        this.hasPrevious = hasPrevious;
        this.dataMono = dataMono;
    }

    static EntryState initial(EndpointRuntime endpoint, Object arg) {
        // the endpoint's tag types are provided whatever the status (RTK provides tags for rejected queries too)
        return new EntryState(endpoint, arg, 0, QueryStatus.UNINITIALIZED, null, false, null, NO_TIME, null, null,
                false, endpoint.options().staticTags(), 0, false, false, null);
    }

    EntryState fetchStarted(FetchKind kind) {
        QueryStatus s = status == QueryStatus.UNINITIALIZED ? QueryStatus.PENDING : status;
        return new EntryState(endpoint, arg, version + 1, s, data, hasData, error, fulfilledAtMillis, kind,
                failedKind, invalidated, tags, subscribers, hasNext, hasPrevious, dataMono);
    }

    EntryState succeeded(Object newData, long nowMillis, Set<Tag> newTags, boolean invalid, boolean next,
                         boolean previous) {
        Mono<Object> mono = newData == null ? Mono.empty() : Mono.just(newData);
        return new EntryState(endpoint, arg, version + 1, QueryStatus.SUCCESS, newData, true, null, nowMillis,
                null, null, invalid, newTags, subscribers, next, previous, mono);
    }

    /**
     * Data written from outside a fetch ({@code setData}, {@code updateData}, hydration): fresh and
     * successful, but the fetch state is kept (a running fetch still runs and lands afterwards).
     */
    EntryState written(Object newData, long atMillis, Set<Tag> newTags, boolean next, boolean previous) {
        Mono<Object> mono = newData == null ? Mono.empty() : Mono.just(newData);
        return new EntryState(endpoint, arg, version + 1, QueryStatus.SUCCESS, newData, true, null, atMillis,
                fetching, null, false, newTags, subscribers, next, previous, mono);
    }

    EntryState failed(Throwable e, FetchKind kind) {
        return new EntryState(endpoint, arg, version + 1, QueryStatus.ERROR, data, hasData, e, fulfilledAtMillis,
                null, kind, invalidated, tags, subscribers, hasNext, hasPrevious, dataMono);
    }

    EntryState fetchAborted() {
        QueryStatus s = status == QueryStatus.PENDING ? QueryStatus.UNINITIALIZED : status;
        return new EntryState(endpoint, arg, version + 1, s, data, hasData, error, fulfilledAtMillis, null,
                failedKind, invalidated, tags, subscribers, hasNext, hasPrevious, dataMono);
    }

    EntryState withInvalidated() {
        return new EntryState(endpoint, arg, version + 1, status, data, hasData, error, fulfilledAtMillis, fetching,
                failedKind, true, tags, subscribers, hasNext, hasPrevious, dataMono);
    }

    EntryState withSubscribers(int n) {
        return new EntryState(endpoint, arg, version + 1, status, data, hasData, error, fulfilledAtMillis, fetching,
                failedKind, invalidated, tags, n, hasNext, hasPrevious, dataMono);
    }

    /** Whether a {@code query} may answer {@link #data} without fetching at {@code nowMillis}. */
    boolean isFreshAt(long nowMillis) {
        return status == QueryStatus.SUCCESS && !invalidated && !isStaleAt(nowMillis);
    }

    /** The data's age, or {@code Long.MAX_VALUE} when there is none. */
    long ageMillis(long nowMillis) {
        return hasData ? nowMillis - fulfilledAtMillis : Long.MAX_VALUE;
    }

    private boolean isStaleAt(long nowMillis) {
        long stale = endpoint.options().staleMillis();
        return stale != Long.MAX_VALUE && nowMillis - fulfilledAtMillis >= stale;
    }

    @Override
    public String endpoint() {
        return endpoint.name();
    }

    @Override
    public Object arg() {
        return ScopedArg.unwrap(arg);
    }

    @Override
    public String principal() {
        return arg instanceof ScopedArg s ? s.principal() : null;
    }

    @Override
    public QueryStatus status() {
        return status;
    }

    @Override
    public Object data() {
        return data;
    }

    /** The public snapshot: this for a plain entry, an {@link InfiniteStateView} for an infinite one. */
    QueryState<?> view() {
        return endpoint.isInfinite() ? new InfiniteStateView(this) : this;
    }

    @Override
    public Throwable error() {
        return status == QueryStatus.ERROR ? error : null;
    }

    @Override
    public Instant fulfilledAt() {
        return hasData ? Instant.ofEpochMilli(fulfilledAtMillis) : null;
    }

    @Override
    public boolean isFetching() {
        return fetching != null;
    }

    @Override
    public boolean isStale() {
        return !hasData || invalidated || isStaleAt(endpoint.nowMillis());
    }

    @Override
    public int subscriberCount() {
        return subscribers;
    }

    @Override
    public Set<Tag> tags() {
        return tags;
    }

    boolean hasNextPage() {
        return hasNext;
    }

    boolean hasPreviousPage() {
        return hasPrevious;
    }

    boolean isFetchingNextPage() {
        return fetching == FetchKind.NEXT;
    }

    boolean isFetchingPreviousPage() {
        return fetching == FetchKind.PREVIOUS;
    }

    boolean isFetchNextPageError() {
        return status == QueryStatus.ERROR && failedKind == FetchKind.NEXT;
    }

    boolean isFetchPreviousPageError() {
        return status == QueryStatus.ERROR && failedKind == FetchKind.PREVIOUS;
    }

    @Override
    public String toString() {
        return "QueryState{" + endpoint.name() + "(" + arg + "), status=" + status + ", data=" + data
                + ", fetching=" + fetching + ", invalidated=" + invalidated + ", subscribers=" + subscribers
                + ", tags=" + tags + "}";
    }
}

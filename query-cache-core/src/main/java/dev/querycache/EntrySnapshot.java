package dev.querycache;

import java.util.Set;
import reactor.core.CoreSubscriber;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The immutable state of one entry (the reducer's state): every change makes a new instance with a
 * higher {@link #version}.
 *
 * <p>It is also the {@code Mono} of its data: subscribing emits {@link #data} and completes (or just
 * completes for {@code null} data), exactly as {@code Mono.just}/{@code Mono.empty} would, and it is a
 * {@link Fuseable.ScalarCallable} so Reactor's operators take its value directly. A hit hands out the
 * live state itself, so it allocates nothing, and an entry holds one object per state rather than a
 * state plus a {@code Mono}. Only ever handed out while {@link #hasData}. The public snapshot is a
 * separate view ({@link StateView}), made on demand; nothing of this class is public.
 *
 * <p>Thread-safe by immutability.
 */
final class EntrySnapshot extends Mono<Object> implements Fuseable.ScalarCallable<Object> {

    static final long NO_TIME = Long.MIN_VALUE;

    private static final QueryStatus[] STATUSES = QueryStatus.values();
    private static final FetchKind[] KINDS = FetchKind.values();
    private static final QueryState.Source[] SOURCES = QueryState.Source.values();
    private static final byte NONE = -1;

    final Object data;
    final Throwable error;
    final Set<Tag> tags;
    final long fulfilledAtMillis;
    final int version;
    final int subscribers;
    private final byte status;
    /** The running fetch's kind, or {@link #NONE} when none runs. */
    private final byte fetching;
    private final byte failedKind;
    /** Where the data came from ({@link QueryState.Source} ordinal), or {@link #NONE} without data. */
    private final byte source;
    final boolean hasData;
    final boolean invalidated;
    final boolean hasNext;
    final boolean hasPrevious;
    /** Whether the entry is on probation ({@link Admission}); changing it makes no new version. */
    final boolean probation;
    /**
     * The entry this is the state of (null for the state of an entry that does not exist): the store holds
     * the state itself, so a hit reads one object.
     */
    final CacheEntry entry;

    private EntrySnapshot(CacheEntry entry, boolean probation, int version, QueryStatus status, Object data,
                       boolean hasData, Throwable error, long fulfilledAtMillis, FetchKind fetching,
                       FetchKind failedKind, boolean invalidated, Set<Tag> tags, int subscribers, boolean hasNext,
                       boolean hasPrevious, byte source) {
        this.entry = entry;
        this.probation = probation;
        this.source = source;
        this.version = version;
        this.status = (byte) status.ordinal();
        this.data = data;
        this.hasData = hasData;
        this.error = error;
        this.fulfilledAtMillis = fulfilledAtMillis;
        this.fetching = fetching == null ? NONE : (byte) fetching.ordinal();
        this.failedKind = failedKind == null ? NONE : (byte) failedKind.ordinal();
        this.invalidated = invalidated;
        this.tags = tags;
        this.subscribers = subscribers;
        this.hasNext = hasNext;
        this.hasPrevious = hasPrevious;
    }

    /** A new entry's state; it provides the endpoint's tag types whatever its status (as RTK does for rejected queries). */
    static EntrySnapshot initial(CacheEntry entry, Set<Tag> staticTags) {
        return new EntrySnapshot(entry, false, 0, QueryStatus.UNINITIALIZED, null, false, null, NO_TIME, null, null,
                false, staticTags, 0, false, false, NONE);
    }

    /** Whether the last fetch succeeded and left data (not while the first fetch runs, not after a failure). */
    boolean hasSucceeded() {
        return hasData && status() == QueryStatus.SUCCESS;
    }

    QueryStatus status() {
        return STATUSES[status];
    }

    /** The running fetch's kind, or null when none runs. */
    FetchKind fetching() {
        return fetching == NONE ? null : KINDS[fetching];
    }

    /** Where the data came from, or null without data. */
    QueryState.Source source() {
        return source == NONE ? null : SOURCES[source];
    }

    FetchKind failedKind() {
        return failedKind == NONE ? null : KINDS[failedKind];
    }

    /** Successful and not invalidated: a query may answer it as long as it is not stale by age. */
    boolean isFreshApartFromAge() {
        return status == QueryStatus.SUCCESS.ordinal() && !invalidated;
    }

    /**
     * The one freshness rule: whether a {@code query} may answer {@link #data} without fetching at
     * {@code nowMillis}. {@code QueryState.isStale()}, the hit path and the fetch policies all use it: stale
     * means no data, invalidated, a failed last fetch (status ERROR, data kept), or older than staleTime.
     */
    boolean isFreshAt(long nowMillis, long staleMillis) {
        return isFreshApartFromAge() && !isStaleByAge(nowMillis, staleMillis);
    }

    boolean isStaleByAge(long nowMillis, long staleMillis) {
        return staleMillis != Long.MAX_VALUE && nowMillis - fulfilledAtMillis >= staleMillis;
    }

    /** The data's age, or {@code Long.MAX_VALUE} when there is none. */
    long ageMillis(long nowMillis) {
        return hasData ? nowMillis - fulfilledAtMillis : Long.MAX_VALUE;
    }

    /** This state as the Mono of its data, or an empty Mono when it has none. */
    Mono<Object> dataMono() {
        return hasData ? this : Mono.empty();
    }

    // ------------------------------------------------------------------------------------ transitions

    EntrySnapshot fetchStarted(FetchKind kind) {
        QueryStatus s = status() == QueryStatus.UNINITIALIZED ? QueryStatus.PENDING : status();
        return new EntrySnapshot(entry, probation, version + 1, s, data, hasData, error, fulfilledAtMillis, kind,
                failedKind(), invalidated, tags, subscribers, hasNext, hasPrevious, source);
    }

    EntrySnapshot succeeded(Object newData, long nowMillis, Set<Tag> newTags, boolean invalid, boolean next,
                         boolean previous, QueryState.Source from) {
        return new EntrySnapshot(entry, probation, version + 1, QueryStatus.SUCCESS, newData, true, null, nowMillis,
                null, null, invalid, newTags, subscribers, next, previous, (byte) from.ordinal());
    }

    /**
     * Data written from outside a fetch ({@code setData}, {@code updateData}, hydration): fresh and
     * successful, but the fetch state is kept (a running fetch still runs and lands afterwards).
     */
    EntrySnapshot written(Object newData, long atMillis, Set<Tag> newTags, boolean next, boolean previous) {
        return new EntrySnapshot(entry, probation, version + 1, QueryStatus.SUCCESS, newData, true, null, atMillis,
                fetching(), null, false, newTags, subscribers, next, previous,
                (byte) QueryState.Source.WRITTEN.ordinal());
    }

    EntrySnapshot failed(Throwable e, FetchKind kind) {
        return new EntrySnapshot(entry, probation, version + 1, QueryStatus.ERROR, data, hasData, e, fulfilledAtMillis,
                null, kind, invalidated, tags, subscribers, hasNext, hasPrevious, source);
    }

    EntrySnapshot fetchAborted() {
        QueryStatus s = status() == QueryStatus.PENDING ? QueryStatus.UNINITIALIZED : status();
        return new EntrySnapshot(entry, probation, version + 1, s, data, hasData, error, fulfilledAtMillis, null,
                failedKind(), invalidated, tags, subscribers, hasNext, hasPrevious, source);
    }

    EntrySnapshot withInvalidated() {
        return new EntrySnapshot(entry, probation, version + 1, status(), data, hasData, error, fulfilledAtMillis,
                fetching(), failedKind(), true, tags, subscribers, hasNext, hasPrevious, source);
    }

    /** The same state with the entry on probation or not: the same version (nothing a reader sees changed). */
    EntrySnapshot withProbation(boolean onProbation) {
        return new EntrySnapshot(entry, onProbation, version, status(), data, hasData, error, fulfilledAtMillis,
                fetching(), failedKind(), invalidated, tags, subscribers, hasNext, hasPrevious, source);
    }

    EntrySnapshot withSubscribers(int n) {
        return new EntrySnapshot(entry, probation, version + 1, status(), data, hasData, error, fulfilledAtMillis,
                fetching(), failedKind(), invalidated, tags, n, hasNext, hasPrevious, source);
    }

    // ------------------------------------------------------------------------------------ the data's Mono

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        if (data == null) {
            Operators.complete(actual);
        } else {
            actual.onSubscribe(Operators.scalarSubscription(actual, data));
        }
    }

    @Override
    public Object call() {
        return data;
    }

    @Override
    public Object block() {
        return data;
    }

    @Override
    public Object block(java.time.Duration timeout) {
        return data;
    }

    @Override
    public String toString() {
        return "EntrySnapshot{status=" + status() + ", data=" + data + ", fetching=" + fetching() + ", invalidated="
                + invalidated + ", subscribers=" + subscribers + ", tags=" + tags + ", version=" + version + "}";
    }
}

package dev.querycache;

import java.time.Duration;

/** Whether a call must fetch, given the entry's state; the dedup conditions in one place. */
@FunctionalInterface
interface FetchPolicy {

    boolean needsFetch(EntrySnapshot state, long nowMillis, long staleMillis);

    /** {@code query}/{@code subscribe}: fetch unless the data is fresh (successful, not invalidated, not stale). */
    FetchPolicy UNLESS_FRESH = (s, now, stale) -> !s.isFreshAt(now, stale);

    /** {@code refetch}, {@code PrefetchOptions.force()}, polling, invalidation. */
    FetchPolicy ALWAYS = (s, now, stale) -> true;

    /** {@code prefetch} without options: fetch only when nothing is cached. */
    FetchPolicy IF_ABSENT = (s, now, stale) -> !s.hasData;

    /** Next/previous page: nothing to fetch when cached pages say there is no such page. */
    FetchPolicy NEXT_PAGE = (s, now, stale) -> !(s.hasData && !isEmpty(s) && !s.hasNext);
    FetchPolicy PREVIOUS_PAGE = (s, now, stale) -> !(s.hasData && !isEmpty(s) && !s.hasPrevious);

    /** Fetch when nothing is cached or the data is at least {@code age} old. */
    static FetchPolicy olderThan(Duration age) {
        long ms = age.toMillis();
        return (s, now, stale) -> !s.hasData || s.ageMillis(now) >= ms;
    }

    /** Either policy wants a fetch. */
    default FetchPolicy or(FetchPolicy other) {
        return (s, now, stale) -> needsFetch(s, now, stale) || other.needsFetch(s, now, stale);
    }

    private static boolean isEmpty(EntrySnapshot s) {
        return s.data instanceof InfiniteData<?, ?> d && d.isEmpty();
    }

    /** The policy of prefetch options. */
    static FetchPolicy of(PrefetchOptions options) {
        if (options.isForce()) {
            return ALWAYS;
        }
        return options.ifOlderThanAge() != null ? olderThan(options.ifOlderThanAge()) : IF_ABSENT;
    }

    /** The policy of a new subscription. */
    static FetchPolicy of(SubscribeOptions options) {
        Duration age = options.refetchIfOlderThanValue();
        return age == null ? UNLESS_FRESH : UNLESS_FRESH.or(olderThan(age));
    }
}

package dev.querycache;

/**
 * What a new fetch should do.
 *
 * @param kind refresh, next page or previous page
 * @param initialPageParam the first page's param when nothing is cached, or {@code null} for the fetcher's
 * @param pages how many pages a refresh of an infinite entry fetches at most; 0 = not said (one page for an
 *     empty entry, as many as are cached for a refetch)
 */
record FetchRequest(FetchKind kind, Object initialPageParam, int pages) {

    static final FetchRequest REFRESH = new FetchRequest(FetchKind.REFRESH, null, 0);
    static final FetchRequest NEXT = new FetchRequest(FetchKind.NEXT, null, 1);
    static final FetchRequest PREVIOUS = new FetchRequest(FetchKind.PREVIOUS, null, 1);
}

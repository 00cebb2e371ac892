package dev.querycache;

/** What a fetch does to an entry. */
enum FetchKind {
    /** Fetch (or refetch) the entry: the first page(s), or every cached page of an infinite entry. */
    REFRESH,
    /** Append the next page. */
    NEXT,
    /** Prepend the previous page. */
    PREVIOUS
}

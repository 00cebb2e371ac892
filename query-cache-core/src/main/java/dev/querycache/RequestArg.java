package dev.querycache;

/**
 * The cache key of a {@code REQUEST} entry: the request (by identity) and the arg (see {@link EntryKey}). Such an entry lives in
 * the store like any other, so the whole {@link Endpoint} contract holds within its request; it is never
 * evicted or timed out while the request lives, and removed when the request closes.
 */
record RequestArg(RequestScope request, Object arg) implements EntryKey.Scoped {

    @Override
    public boolean livesWithRequest() {
        return true;
    }
}

package dev.querycache;

/** The cache key of a {@code PRINCIPAL} entry: the caller and the arg. */
record ScopedArg(String principal, Object arg) {

    /** The user's arg behind a cache key. */
    static Object unwrap(Object key) {
        if (key instanceof ScopedArg s) {
            return s.arg();
        }
        return key instanceof RequestArg r ? r.arg() : key;
    }
}

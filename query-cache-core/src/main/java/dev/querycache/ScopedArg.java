package dev.querycache;

/** The cache key of a {@code PRINCIPAL} entry: the caller and the arg (see {@link EntryKey}). */
record ScopedArg(String principal, Object arg) implements EntryKey.Scoped {

    @Override
    public String owner() {
        return principal;
    }
}

package dev.querycache;

/**
 * What an entry's key says, in the one place that knows its three kinds (the endpoint's scope decides
 * which one a call makes, {@link EntryKeys}):
 * <ul>
 *   <li>{@code SHARED}: the user's arg itself, unwrapped, so that a hit looks it up without making a key;</li>
 *   <li>{@code PRINCIPAL}: a {@link ScopedArg}, the caller and the arg;</li>
 *   <li>{@code REQUEST}: a {@link RequestArg}, the request (by identity) and the arg: it lives as long as
 *       that request and exists nowhere else (no other instance, no page state, no bus).</li>
 * </ul>
 * Every other class asks these questions here instead of testing the key's class. Stateless.
 */
final class EntryKey {

    /** A key that wraps the user's arg: the caller's ({@link ScopedArg}) or the request's ({@link RequestArg}). */
    sealed interface Scoped permits ScopedArg, RequestArg {
        /** The user's arg. */
        Object arg();

        /** The caller owning the entry, or null. */
        default String owner() {
            return null;
        }

        /** Whether the entry lives and dies with one request. */
        default boolean livesWithRequest() {
            return false;
        }
    }

    private EntryKey() {
    }

    /** The user's arg behind {@code key}. */
    static Object userArg(Object key) {
        return key instanceof Scoped s ? s.arg() : key;
    }

    /** The caller of a {@code PRINCIPAL} entry, or null. */
    static String principal(Object key) {
        return key instanceof Scoped s ? s.owner() : null;
    }

    /** Whether the entry lives and dies with one request (a {@code REQUEST} entry). */
    static boolean livesWithRequest(Object key) {
        return key instanceof Scoped s && s.livesWithRequest();
    }

    /**
     * Whether the entry may exist beyond this instance's current request: on other instances, in a shared
     * level, in page states, in events. False only for {@code REQUEST} entries.
     */
    static boolean outlivesItsRequest(Object key) {
        return !livesWithRequest(key);
    }

    /** Whether the entry is a {@code SHARED} one (its key is the user's arg). */
    static boolean isShared(Object key) {
        return !(key instanceof Scoped);
    }

    /** The key of {@code principal}'s entry for {@code arg}, or of the shared one when {@code principal} is null. */
    static Object of(String principal, Object arg) {
        return principal == null ? arg : new ScopedArg(principal, arg);
    }
}

package dev.querycache;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@code prefetch} fetches, following RTK Query's prefetch options. Without options, prefetch
 * fetches only when nothing is cached. A fetch already running for the key is never duplicated, whatever
 * the options. Immutable and thread-safe.
 */
public final class PrefetchOptions {

    private static final PrefetchOptions IF_ABSENT = new PrefetchOptions(false, null, 0);
    private static final PrefetchOptions FORCE = new PrefetchOptions(true, null, 0);

    private final boolean force;
    private final Duration ifOlderThan;
    private final int pages;

    private PrefetchOptions(boolean force, Duration ifOlderThan, int pages) {
        this.force = force;
        this.ifOlderThan = ifOlderThan;
        this.pages = pages;
    }

    /** Fetch only when nothing is cached (the default of {@code prefetch(arg)}). */
    public static PrefetchOptions ifAbsent() {
        return IF_ABSENT;
    }

    /** Fetch when nothing is cached or the cached data is at least {@code age} old. */
    public static PrefetchOptions ifOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isNegative()) {
            throw new IllegalArgumentException("ifOlderThan must not be negative: " + age);
        }
        return new PrefetchOptions(false, age, 0);
    }

    /** Always fetch (unless a fetch for the key is already running). */
    public static PrefetchOptions force() {
        return FORCE;
    }

    /**
     * For infinite endpoints: fetch up to {@code n} pages when nothing is cached (or, combined with
     * {@link #force()}, refetch up to {@code n} pages, whatever the number cached, as TanStack's
     * {@code pages ?? oldPages.length}). Without it, an empty entry gets one page and a refetch gets as many
     * pages as are cached.
     *
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static PrefetchOptions pages(int n) {
        return IF_ABSENT.withPages(n);
    }

    /** These options, fetching up to {@code n} pages of an infinite endpoint. */
    public PrefetchOptions withPages(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("pages must be at least 1 but was " + n);
        }
        return new PrefetchOptions(force, ifOlderThan, n);
    }

    /** Whether to fetch even when fresh data is cached. */
    boolean isForce() {
        return force;
    }

    /** The age from which cached data is fetched again, or {@code null}. */
    Duration ifOlderThanAge() {
        return ifOlderThan;
    }

    /** How many pages an infinite prefetch fetches at most, or 0 when not set (see {@link #pages(int)}). */
    int pageCount() {
        return pages;
    }

    @Override
    public String toString() {
        return "PrefetchOptions{force=" + force + ", ifOlderThan=" + ifOlderThan + ", pages=" + pages + "}";
    }
}

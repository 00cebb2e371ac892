package dev.querycache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The cached pages of one infinite query entry and the params they were fetched with, in order:
 * {@code pages.get(i)} was fetched with {@code pageParams.get(i)}. Immutable; both lists are
 * unmodifiable and have the same size.
 *
 * @param pages the pages, first to last
 * @param pageParams the param of each page
 * @param <R> one page
 * @param <P> the page param
 */
public record InfiniteData<R, P>(List<R> pages, List<P> pageParams) {

    /**
     * Copies both lists into unmodifiable lists (elements may be {@code null}).
     *
     * @throws IllegalArgumentException when the lists differ in size
     */
    public InfiniteData {
        Objects.requireNonNull(pages, "pages");
        Objects.requireNonNull(pageParams, "pageParams");
        if (pages.size() != pageParams.size()) {
            throw new IllegalArgumentException(
                    "pages and pageParams must have the same size, but were " + pages.size() + " and " + pageParams.size());
        }
        pages = Collections.unmodifiableList(new ArrayList<>(pages));
        pageParams = Collections.unmodifiableList(new ArrayList<>(pageParams));
    }

    /** An entry with no pages. */
    public static <R, P> InfiniteData<R, P> empty() {
        return new InfiniteData<>(List.of(), List.of());
    }

    /** Whether there are no pages. */
    public boolean isEmpty() {
        return pages.isEmpty();
    }
}

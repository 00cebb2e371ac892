package dev.querycache;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A serializable snapshot of the cache's successful entries ({@link QueryClient#dehydrate()}), to be
 * handed to a page or the next process and read back with {@link QueryClient#hydrate}. Immutable.
 *
 * @param queries one element per entry
 */
public record DehydratedState(List<DehydratedQuery> queries) {

    public DehydratedState {
        queries = List.copyOf(queries);
    }

    /**
     * One entry.
     *
     * @param endpoint the endpoint name
     * @param arg the argument (may be {@code null})
     * @param data the data; an {@link InfiniteData} for infinite endpoints (may be {@code null})
     * @param fulfilledAt when it was fetched
     * @param tags the tags it provides
     * @param infinite whether the endpoint is an infinite one
     */
    public record DehydratedQuery(String endpoint, Object arg, Object data, Instant fulfilledAt, Set<Tag> tags,
                                  boolean infinite) {
        public DehydratedQuery {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(fulfilledAt, "fulfilledAt");
            tags = tags == null ? Set.of() : Set.copyOf(tags);
        }
    }
}

package dev.querycache;

import java.util.List;
import java.util.Objects;

/**
 * What one client invalidated, as an {@link InvalidationBus} carries it to the other instances of a
 * service: tags ({@link QueryClient#invalidateTags}), one entry ({@link Endpoint#invalidate}) or every
 * entry of an endpoint ({@link Endpoint#invalidateAll}). Immutable.
 *
 * @param origin the id of the client that invalidated ({@link QueryClient#instanceId()}); a client ignores its own
 * @param kind what was invalidated
 * @param tags the tags, for {@link Kind#TAGS}; empty otherwise
 * @param endpoint the endpoint name, for {@link Kind#ENTRY} and {@link Kind#ENDPOINT}; null otherwise
 * @param arg the entry's arg, for {@link Kind#ENTRY} (may be null)
 */
public record Invalidation(String origin, Kind kind, List<Tag> tags, String endpoint, Object arg) {

    /** What an invalidation covers. */
    public enum Kind {
        /** Every entry providing a matching tag. */
        TAGS,
        /** One entry. */
        ENTRY,
        /** Every entry of one endpoint. */
        ENDPOINT
    }

    public Invalidation {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(kind, "kind");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static Invalidation tags(String origin, List<Tag> tags) {
        return new Invalidation(origin, Kind.TAGS, tags, null, null);
    }

    public static Invalidation entry(String origin, String endpoint, Object arg) {
        return new Invalidation(origin, Kind.ENTRY, List.of(), Objects.requireNonNull(endpoint, "endpoint"), arg);
    }

    public static Invalidation endpoint(String origin, String endpoint) {
        return new Invalidation(origin, Kind.ENDPOINT, List.of(), Objects.requireNonNull(endpoint, "endpoint"), null);
    }
}

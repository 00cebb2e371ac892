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
 * @param arg the entry's arg, for {@link Kind#ENTRY} (may be null); the user's arg, never a cache-internal key
 * @param principal for entries of a {@code PRINCIPAL} endpoint: the caller whose entry (or, for
 *     {@link Kind#ENDPOINT}, whose entries) it is; null for shared entries and for every caller's
 */
public record Invalidation(String origin, Kind kind, List<Tag> tags, String endpoint, Object arg, String principal) {

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

    /** An invalidation of shared entries (no caller). */
    public Invalidation(String origin, Kind kind, List<Tag> tags, String endpoint, Object arg) {
        this(origin, kind, tags, endpoint, arg, null);
    }

    /** This invalidation as sent by the client {@code origin}. */
    public Invalidation withOrigin(String origin) {
        return new Invalidation(origin, kind, tags, endpoint, arg, principal);
    }

    public static Invalidation tags(String origin, List<Tag> tags) {
        return new Invalidation(origin, Kind.TAGS, tags, null, null);
    }

    public static Invalidation entry(String origin, String endpoint, Object arg) {
        return entry(origin, endpoint, arg, null);
    }

    /** One entry; {@code principal}: the caller whose entry it is, for a {@code PRINCIPAL} endpoint. */
    public static Invalidation entry(String origin, String endpoint, Object arg, String principal) {
        return new Invalidation(origin, Kind.ENTRY, List.of(), Objects.requireNonNull(endpoint, "endpoint"), arg, principal);
    }

    public static Invalidation endpoint(String origin, String endpoint) {
        return endpoint(origin, endpoint, null);
    }

    /** Every entry of one endpoint; with {@code principal}, only that caller's entries. */
    public static Invalidation endpoint(String origin, String endpoint, String principal) {
        return new Invalidation(origin, Kind.ENDPOINT, List.of(), Objects.requireNonNull(endpoint, "endpoint"), null,
                principal);
    }
}

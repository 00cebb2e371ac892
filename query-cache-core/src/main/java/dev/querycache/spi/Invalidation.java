package dev.querycache.spi;

import dev.querycache.Endpoint;
import dev.querycache.QueryClient;
import dev.querycache.Tag;
import java.util.List;
import java.util.Objects;

/**
 * What one client invalidated, as an {@link InvalidationBus} carries it to the other instances of a
 * service: tags ({@link QueryClient#invalidateTags}), one entry ({@link Endpoint#invalidate}) or every
 * entry of an endpoint ({@link Endpoint#invalidateAll}). The client makes them with its own
 * {@link QueryClient.Inspector#instanceId()} as the origin; a bus implementation makes them with the
 * factories below when it reads another instance's message. Immutable and thread-safe; equal when every
 * part is equal.
 */
public final class Invalidation {

    /** What an invalidation covers. */
    public enum Kind {
        /** Every entry providing a matching tag. */
        TAGS,
        /** One entry. */
        ENTRY,
        /** Every entry of one endpoint. */
        ENDPOINT
    }

    private final String origin;
    private final Kind kind;
    private final List<Tag> tags;
    private final String endpoint;
    private final Object arg;
    private final String principal;

    private Invalidation(String origin, Kind kind, List<Tag> tags, String endpoint, Object arg, String principal) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.kind = kind;
        this.tags = List.copyOf(tags);
        this.endpoint = endpoint;
        this.arg = arg;
        this.principal = principal;
    }

    /**
     * Every entry providing a tag that matches one of {@code tags} ({@link Tag#matches}).
     *
     * @param origin the id of the client that invalidated
     */
    public static Invalidation tags(String origin, List<Tag> tags) {
        return new Invalidation(origin, Kind.TAGS, tags, null, null, null);
    }

    /**
     * One entry of {@code endpoint}; {@code principal}: the caller whose entry it is, for a {@code PRINCIPAL}
     * endpoint, else null.
     *
     * @param origin the id of the client that invalidated
     * @param arg the entry's arg as the user passed it (may be null)
     */
    public static Invalidation entry(String origin, String endpoint, Object arg, String principal) {
        return new Invalidation(origin, Kind.ENTRY, List.of(), Objects.requireNonNull(endpoint, "endpoint"), arg, principal);
    }

    /**
     * Every entry of {@code endpoint}; with a {@code principal}, only that caller's entries.
     *
     * @param origin the id of the client that invalidated
     */
    public static Invalidation endpoint(String origin, String endpoint, String principal) {
        return new Invalidation(origin, Kind.ENDPOINT, List.of(), Objects.requireNonNull(endpoint, "endpoint"), null,
                principal);
    }

    /** The id of the client that invalidated; a client ignores its own. */
    public String origin() { return origin; }

    /** What was invalidated. */
    public Kind kind() { return kind; }

    /** The tags, for {@link Kind#TAGS}; empty otherwise. */
    public List<Tag> tags() { return tags; }

    /** The endpoint name, for {@link Kind#ENTRY} and {@link Kind#ENDPOINT}; null otherwise. */
    public String endpoint() { return endpoint; }

    /** The entry's arg, for {@link Kind#ENTRY} (may be null): the user's arg, never a cache-internal key. */
    public Object arg() { return arg; }

    /**
     * For entries of a {@code PRINCIPAL} endpoint, the caller whose entry (or, for {@link Kind#ENDPOINT},
     * entries) it is; null for shared entries and for every caller's.
     */
    public String principal() { return principal; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Invalidation i && origin.equals(i.origin) && kind == i.kind && tags.equals(i.tags)
                && Objects.equals(endpoint, i.endpoint) && Objects.equals(arg, i.arg) && Objects.equals(principal, i.principal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, kind, tags, endpoint, arg, principal);
    }

    @Override
    public String toString() {
        return "Invalidation[origin=" + origin + ", kind=" + kind + ", tags=" + tags + ", endpoint=" + endpoint
                + ", arg=" + arg + ", principal=" + principal + "]";
    }
}

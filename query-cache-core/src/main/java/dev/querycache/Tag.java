package dev.querycache;

import java.util.Objects;

/**
 * A cache tag, as in RTK Query: a type ({@code "Pokemon"}) and an optional id ({@code "pikachu"}).
 * Entries provide tags; {@link QueryClient#invalidateTags(Tag...)} invalidates the entries that provide
 * a matching one. {@code Tag.of(type)} matches every entry providing that type, with or without an id;
 * {@code Tag.of(type, id)} matches only entries providing exactly that type and id (by {@code equals}).
 *
 * <p>Integral numeric ids ({@code Byte}, {@code Short}, {@code Integer}, {@code Long}) are normalised to
 * {@code Long}, so {@code Tag.of("Order", 25)} equals {@code Tag.of("Order", 25L)} and a tag read back from
 * JSON (where 25 comes back as whatever integer type fits) equals the tag that was written.
 *
 * @param type the tag type, not blank
 * @param id the id, or {@code null} for the whole type
 */
public record Tag(String type, Object id) {

    /** @throws IllegalArgumentException when {@code type} is null or blank */
    public Tag {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("tag type must not be blank");
        }
        if (id instanceof Integer || id instanceof Short || id instanceof Byte) {
            id = ((Number) id).longValue();
        }
    }

    /** A tag for the whole type. */
    public static Tag of(String type) {
        return new Tag(type, null);
    }

    /** A tag for one id of a type; {@code id} must not be null. */
    public static Tag of(String type, Object id) {
        return new Tag(type, Objects.requireNonNull(id, "id"));
    }

    /**
     * Whether invalidating {@code this} reaches an entry that provides {@code provided}: same type, and
     * either this tag has no id or both ids are equal.
     */
    public boolean matches(Tag provided) {
        return type.equals(provided.type) && (id == null || id.equals(provided.id));
    }

    @Override
    public String toString() {
        return id == null ? type : type + ":" + id;
    }
}

package dev.querycache;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which entries provide which tags, so that invalidation is a lookup rather than a scan: by type, for
 * {@code Tag.of(type)} (every entry providing that type, with or without an id), and by exact tag, for
 * {@code Tag.of(type, id)}. Kept up to date on every successful fetch, write and removal. Thread-safe
 * (concurrent maps); a lookup racing with an update may miss or include the entry being updated, which
 * the delayed-invalidation check of {@link Fetch} covers.
 */
final class TagIndex {

    private final ConcurrentHashMap<String, Set<CacheEntry>> byType = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Tag, Set<CacheEntry>> byTag = new ConcurrentHashMap<>();

    /** Replaces the tags indexed for {@code query}. */
    void update(CacheEntry query, Set<Tag> oldTags, Set<Tag> newTags) {
        for (Tag t : oldTags) {
            if (!newTags.contains(t)) {
                removeFrom(byTag, t, query);
            }
            if (!containsType(newTags, t.type())) {
                removeFrom(byType, t.type(), query);
            }
        }
        for (Tag t : newTags) {
            byType.computeIfAbsent(t.type(), k -> ConcurrentHashMap.newKeySet()).add(query);
            byTag.computeIfAbsent(t, k -> ConcurrentHashMap.newKeySet()).add(query);
        }
    }

    private static <K> void removeFrom(ConcurrentHashMap<K, Set<CacheEntry>> map, K key, CacheEntry query) {
        map.computeIfPresent(key, (k, set) -> {
            set.remove(query);
            return set.isEmpty() ? null : set;
        });
    }

    /** Forgets {@code query}. */
    void remove(CacheEntry query, Set<Tag> tags) {
        update(query, tags, Set.of());
    }

    /** The entries providing a tag that one of {@code tags} matches ({@link Tag#matches}). */
    List<CacheEntry> matching(Collection<Tag> tags) {
        Set<CacheEntry> out = new LinkedHashSet<>();
        for (Tag wanted : tags) {
            Set<CacheEntry> set = wanted.id() == null ? byType.get(wanted.type()) : byTag.get(wanted);
            if (set != null) {
                out.addAll(set);
            }
        }
        return List.copyOf(out);
    }

    static boolean anyMatches(Collection<Tag> invalidated, Set<Tag> provided) {
        for (Tag wanted : invalidated) {
            for (Tag p : provided) {
                if (wanted.matches(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean containsType(Set<Tag> tags, String type) {
        for (Tag t : tags) {
            if (t.type().equals(type)) {
                return true;
            }
        }
        return false;
    }
}

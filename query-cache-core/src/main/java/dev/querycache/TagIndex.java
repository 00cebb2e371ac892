package dev.querycache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which entries provide which tag types, so that invalidation is a lookup rather than a scan. Kept up to
 * date on every successful fetch, write and removal. Thread-safe (concurrent maps).
 */
final class TagIndex {

    private final ConcurrentHashMap<String, Set<Query>> byType = new ConcurrentHashMap<>();

    /** Replaces the types indexed for {@code query}. */
    void update(Query query, Set<Tag> oldTags, Set<Tag> newTags) {
        for (Tag t : oldTags) {
            if (!containsType(newTags, t.type())) {
                Set<Query> set = byType.get(t.type());
                if (set != null) {
                    set.remove(query);
                }
            }
        }
        for (Tag t : newTags) {
            byType.computeIfAbsent(t.type(), k -> ConcurrentHashMap.newKeySet()).add(query);
        }
    }

    /** Forgets {@code query}. */
    void remove(Query query, Set<Tag> tags) {
        update(query, tags, Set.of());
    }

    /** The entries providing a tag that one of {@code tags} matches. */
    List<Query> matching(Collection<Tag> tags) {
        List<Query> out = new ArrayList<>();
        for (Tag wanted : tags) {
            Set<Query> set = byType.get(wanted.type());
            if (set == null) {
                continue;
            }
            for (Query q : set) {
                if (!out.contains(q) && providesMatch(q.state().tags(), wanted)) {
                    out.add(q);
                }
            }
        }
        return out;
    }

    void clear() {
        byType.clear();
    }

    static boolean anyMatches(Collection<Tag> invalidated, Set<Tag> provided) {
        for (Tag wanted : invalidated) {
            if (providesMatch(provided, wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean providesMatch(Set<Tag> provided, Tag wanted) {
        for (Tag p : provided) {
            if (wanted.matches(p)) {
                return true;
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

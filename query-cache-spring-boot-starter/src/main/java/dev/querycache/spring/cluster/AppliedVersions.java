package dev.querycache.spring.cluster;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per version field, the highest version applied without a gap (the watermark), plus versions received
 * above it out of order — concurrent publishes can arrive in any order — which are absorbed as soon as
 * the gap below them closes. Thread-safe (each field's tracker is its own monitor).
 */
final class AppliedVersions {

    private static final class Field {
        long watermark;
        final TreeSet<Long> above = new TreeSet<>();

        synchronized void accept(long version) {
            if (version <= watermark) {
                return;
            }
            above.add(version);
            while (!above.isEmpty() && above.first() == watermark + 1) {
                watermark = above.pollFirst();
            }
        }

        synchronized long watermark() {
            return watermark;
        }

        synchronized void reset(long version) {
            watermark = version;
            above.headSet(version, true).clear();
            while (!above.isEmpty() && above.first() == watermark + 1) {
                watermark = above.pollFirst();   // versions received before the reset, right above it
            }
        }
    }

    private final Map<String, Field> fields = new ConcurrentHashMap<>();

    private Field field(String name) {
        return fields.computeIfAbsent(name, k -> new Field());
    }

    /** A version was applied (received, or published by this instance). */
    void accept(String name, long version) {
        field(name).accept(version);
    }

    long watermark(String name) {
        Field f = fields.get(name);
        return f == null ? 0 : f.watermark();
    }

    /** Takes {@code version} as applied, discarding what lies below (after a repair or at start). */
    void reset(String name, long version) {
        field(name).reset(version);
    }

    /** Every field's watermark now: taken before reading Redis, to compare its answer with. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new java.util.HashMap<>();
        fields.forEach((name, f) -> out.put(name, f.watermark()));
        return out;
    }

    /** Forgets the fields of {@code known} that Redis no longer has (it lost its data). */
    void forgetMissing(java.util.Set<String> known, java.util.Set<String> inRedis) {
        for (String name : known) {
            if (!inRedis.contains(name)) {
                fields.remove(name);
            }
        }
    }
}

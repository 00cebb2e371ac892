package dev.querycache.spring.cluster;

import dev.querycache.Tag;
import dev.querycache.spring.internal.StableJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The names the shared level uses in Redis, under one prefix P.
 *
 * <ul>
 * <li>{@code P c:<endpoint>:{<hash>}}, the copy of one entry, and {@code P l:<endpoint>:{<hash>}}, its lease:
 * the hash (SHA-256 of the caller and the arg's stable JSON) is their hash tag, so the two share a slot on a
 * Redis Cluster and different entries spread over the slots.</li>
 * <li>{@code P m}: the invalidation record, one hash (one slot): {@code epoch}, {@code gen}, {@code floor}
 * and one field per tag, tag type and endpoint (of one caller) that was invalidated, holding the generation
 * of its last invalidation.</li>
 * <li>{@code P ready}: the channel on which a lease's end is announced.</li>
 * </ul>
 * Stateless apart from its prefix; thread-safe.
 */
final class SharedKeys {

    final String prefix;
    final String meta;
    final String readyChannel;
    private final JsonMapper mapper;

    SharedKeys(String prefix, JsonMapper mapper) {
        this.prefix = prefix;
        this.meta = prefix + "m";
        this.readyChannel = prefix + "ready";
        this.mapper = mapper;
    }

    /** The copy's key and the lease's key of one entry, in one slot. Throws when the arg cannot be written as JSON. */
    String[] entry(String endpoint, String principal, Object arg) {
        String tag = "{" + hash(principal, arg) + "}";
        return new String[] {prefix + "c:" + endpoint + ":" + tag, prefix + "l:" + endpoint + ":" + tag};
    }

    private String hash(String principal, Object arg) {
        String argJson = StableJson.stringify(mapper.valueToTree(arg));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((principal == null ? "-" : "+" + principal).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(argJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The invalidation record's field of a tag: {@code t:<type>}, or {@code t:<type>#<id JSON>}. */
    String tagField(Tag t) {
        return t.id() == null ? "t:" + t.type() : "t:" + t.type() + "#" + StableJson.stringify(mapper.valueToTree(t.id()));
    }

    /** The field of every entry of an endpoint ({@code principal} null), or of one caller's entries. */
    static String endpointField(String endpoint, String principal) {
        return principal == null ? "e:" + endpoint : "e:" + endpoint + "@" + principal;
    }

    /** The fields whose invalidation makes a copy of this entry, providing {@code tags}, unreadable. */
    List<String> fieldsOf(String endpoint, String principal, Set<Tag> tags) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add(endpointField(endpoint, null));
        if (principal != null) {
            fields.add(endpointField(endpoint, principal));
        }
        for (Tag t : tags) {
            fields.add("t:" + t.type());
            if (t.id() != null) {
                fields.add(tagField(t));
            }
        }
        return new ArrayList<>(fields);
    }
}

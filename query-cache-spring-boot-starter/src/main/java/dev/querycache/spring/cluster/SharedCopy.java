package dev.querycache.spring.cluster;

import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.EndpointTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One shared copy as JSON: {@code {"at": epoch ms, "ep": epoch, "g": generation, "f": [fields], "p": caller,
 * "data": ...}}. {@code ep} and {@code g} are the invalidation record's epoch and generation read before the
 * fetch started, {@code f} the record's fields whose later invalidation makes the copy unreadable, {@code p}
 * the caller of a {@code PRINCIPAL} entry (null for a {@code SHARED} one): a copy is served only under its own
 * caller, whatever key it was found under. Stateless.
 */
record SharedCopy(long at, String epoch, long generation, List<String> fields, String principal, JsonNode data) {

    /** Thrown when a value cannot be shared; the message says why, for the log. */
    static final class NotShareable extends Exception {
        NotShareable(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The copy of {@code value} as JSON, proven lossless: its data read back with the endpoint's declared
     * types must equal {@code value}, else it is not shared (a class without getters is written as
     * {@code {}}, a type without value {@code equals} can never be proven the same).
     */
    static String write(JsonMapper mapper, EndpointTypes.Types types, long at, String epoch, long generation,
                        List<String> fields, String principal, Object value) throws NotShareable {
        JsonNode data;
        try {
            data = DataJson.tree(mapper, value);
        } catch (RuntimeException e) {
            throw new NotShareable("their data cannot be written as JSON (" + e.getMessage() + ")");
        }
        Object back;
        try {
            back = DataJson.read(mapper, types, data);
        } catch (RuntimeException e) {
            throw new NotShareable("a copy of " + typeName(value) + " cannot be read back (" + e.getMessage() + ")");
        }
        if (!Objects.equals(back, value)) {
            throw new NotShareable("a copy of " + typeName(value) + " does not read back equal to the value: JSON "
                    + "does not carry it whole (a field without a getter or a constructor parameter, say) or the type "
                    + "has no value equals; make it a record or give it equals and JSON-visible fields, or name the "
                    + "endpoint in query-cache.cluster.shared.exclude");
        }
        ObjectNode n = mapper.createObjectNode();
        n.put("at", at);
        n.put("ep", epoch);
        n.put("g", generation);
        ArrayNode f = n.putArray("f");
        fields.forEach(f::add);
        n.put("p", principal);
        n.set("data", data);
        return mapper.writeValueAsString(n);
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    /** Parses a copy; throws on anything that is not one. */
    static SharedCopy parse(JsonMapper mapper, String json) {
        JsonNode n = mapper.readTree(json);
        JsonNode at = n.get("at");
        JsonNode ep = n.get("ep");
        JsonNode g = n.get("g");
        JsonNode f = n.get("f");
        if (at == null || !at.isIntegralNumber() || ep == null || !ep.isString() || g == null || !g.isIntegralNumber()
                || f == null || !f.isArray() || !n.has("data")) {
            throw new IllegalArgumentException("not a shared copy (at, ep, g, f and data expected)");
        }
        List<String> fields = new ArrayList<>(f.size());
        for (JsonNode x : f) {
            fields.add(x.asString());
        }
        JsonNode p = n.get("p");
        return new SharedCopy(at.asLong(), ep.asString(), g.asLong(), fields, p == null || p.isNull() ? null : p.asString(),
                n.get("data"));
    }
}

package dev.querycache.spring.internal;

import dev.querycache.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tags as JSON, {@code [{"type":"Pokemon","id":"pikachu"}, {"type":"Types","id":null}]}, for the
 * integrations that carry them (page state, cluster messages). Ids come back as Jackson's natural Java
 * type of the JSON value (string, number, boolean). Stateless.
 */
public final class TagJson {

    private TagJson() {
    }

    /** Appends {@code tags} to {@code array}. */
    public static void write(JsonMapper mapper, ArrayNode array, Collection<Tag> tags) {
        for (Tag t : tags) {
            ObjectNode tag = array.addObject().put("type", t.type());
            Object id = t.id();
            // the common id types directly; anything else through the mapper (which costs a buffer per call)
            if (id == null) {
                tag.putNull("id");
            } else if (id instanceof String text) {
                tag.put("id", text);
            } else if (id instanceof Integer n) {
                tag.put("id", n.intValue());
            } else if (id instanceof Long n) {
                tag.put("id", n.longValue());
            } else if (id instanceof Boolean b) {
                tag.put("id", b.booleanValue());
            } else {
                tag.set("id", mapper.valueToTree(id));
            }
        }
    }

    /** The tags of a JSON array written by {@link #write}. */
    public static List<Tag> read(JsonMapper mapper, JsonNode array) {
        List<Tag> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        for (JsonNode t : array) {
            JsonNode id = t.get("id");
            String type = t.get("type").asString();
            out.add(id == null || id.isNull() ? Tag.of(type) : Tag.of(type, naturalValue(mapper, id)));
        }
        return out;
    }

    /**
     * What {@code mapper.treeToValue(id, Object.class)} gives (Jackson's natural type of the value), read off
     * the node for the common kinds: {@code treeToValue} makes a parser and a context per call, once per
     * tag of every cluster message.
     */
    private static Object naturalValue(JsonMapper mapper, JsonNode id) {
        if (id.isString()) {
            return id.asString();
        }
        if (id.isInt()) {
            return id.intValue();
        }
        if (id.isLong()) {
            return id.longValue();
        }
        if (id.isBoolean()) {
            return id.booleanValue();
        }
        return mapper.treeToValue(id, Object.class);
    }
}

package dev.querycache.spring.internal;

import dev.querycache.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

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
            array.addObject().put("type", t.type()).set("id", mapper.valueToTree(t.id()));
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
            out.add(id == null || id.isNull() ? Tag.of(type) : Tag.of(type, mapper.treeToValue(id, Object.class)));
        }
        return out;
    }
}

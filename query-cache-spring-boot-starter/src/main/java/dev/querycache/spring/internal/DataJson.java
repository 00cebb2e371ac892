package dev.querycache.spring.internal;

import dev.querycache.InfiniteData;
import java.util.List;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An entry's data as JSON and back, typed from its endpoint's signature: infinite data as
 * {@code {"pages":[..],"pageParams":[..]}} (and nothing else of {@link InfiniteData}), any other data as
 * Jackson writes it. The one codec the page states, {@code /q}, persistence and the shared level use.
 * Stateless.
 */
public final class DataJson {

    private DataJson() {
    }

    public static JsonNode tree(JsonMapper mapper, Object data) {
        if (data instanceof InfiniteData<?, ?> d) {
            ObjectNode out = mapper.createObjectNode();
            out.set("pages", mapper.valueToTree(d.pages()));
            out.set("pageParams", mapper.valueToTree(d.pageParams()));
            return out;
        }
        return mapper.valueToTree(data);
    }

    /**
     * Writes {@code data} to {@code out} as {@link #tree} would make it, without building the tree: the one
     * way to write a large value without holding its JSON whole.
     */
    public static void write(JsonMapper mapper, Object data, java.io.OutputStream out) {
        try (tools.jackson.core.JsonGenerator g = mapper.createGenerator(out)) {
            write(mapper, data, g);
        }
    }

    /** Writes {@code data} as the next value of {@code g}, as {@link #tree} would make it, without building the tree. */
    public static void write(JsonMapper mapper, Object data, tools.jackson.core.JsonGenerator g) {
        if (data instanceof InfiniteData<?, ?> d) {
            g.writeStartObject();
            g.writeName("pages");
            g.writePOJO(d.pages());
            g.writeName("pageParams");
            g.writePOJO(d.pageParams());
            g.writeEndObject();
        } else {
            g.writePOJO(data);
        }
    }

    /** Data of an endpoint of {@code types} read from {@code node}; null for a missing or null node. */
    public static Object read(JsonMapper mapper, EndpointTypes.Types types, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (types.infinite()) {
            List<Object> pages = mapper.convertValue(node.get("pages"),
                    mapper.getTypeFactory().constructCollectionType(List.class, type(mapper, types.data())));
            List<Object> params = mapper.convertValue(node.get("pageParams"),
                    mapper.getTypeFactory().constructCollectionType(List.class, type(mapper, types.pageParam())));
            if (pages == null || params == null || pages.size() != params.size()) {
                throw new IllegalArgumentException("infinite data needs \"pages\" and \"pageParams\" of the same length");
            }
            return new InfiniteData<>(pages, params);
        }
        return mapper.convertValue(node, type(mapper, types.data()));
    }

    private static JavaType type(JsonMapper mapper, java.lang.reflect.Type t) {
        return mapper.getTypeFactory().constructType(t);
    }
}

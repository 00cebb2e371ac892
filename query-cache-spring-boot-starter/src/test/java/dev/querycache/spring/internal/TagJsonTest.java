package dev.querycache.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.Tag;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Tag ids come back as Jackson's natural Java type of their JSON value, whichever path reads them (the
 * common kinds read off the node, the rest through the mapper), so a tag read from a cluster message or a
 * page state equals the tag the fetcher provided.
 */
class TagJsonTest {

    private final JsonMapper mapper = new JsonMapper();

    @Test
    void everyIdKindComesBackEqualAndOfTheNaturalType() {
        List<Tag> tags = List.of(Tag.of("Types"), Tag.of("Pokemon", "pikachu"), Tag.of("Item", 25),
                Tag.of("Big", 1L << 40), Tag.of("Huge", new BigInteger("123456789012345678901234567890")),
                Tag.of("Flag", true), Tag.of("Ratio", 2.5), Tag.of("Object", java.util.Map.of("a", 1)));
        ArrayNode array = mapper.createArrayNode();
        TagJson.write(mapper, array, tags);
        JsonNode reread = mapper.readTree(mapper.writeValueAsString(array));

        List<Tag> back = TagJson.read(mapper, reread);

        assertThat(back).isEqualTo(tags);
        assertThat(back).extracting(t -> t.id() == null ? "null" : t.id().getClass().getSimpleName())
                .containsExactly("null", "String", "Long", "Long", "BigInteger", "Boolean", "Double", "LinkedHashMap");
        // the same as the mapper's own natural mapping of each id
        for (int i = 0; i < tags.size(); i++) {
            JsonNode id = reread.get(i).get("id");
            String type = reread.get(i).get("type").asString();
            assertThat(back.get(i)).isEqualTo(id.isNull() ? Tag.of(type) : Tag.of(type, mapper.treeToValue(id, Object.class)));
        }
    }
}

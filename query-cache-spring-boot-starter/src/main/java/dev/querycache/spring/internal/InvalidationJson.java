package dev.querycache.spring.internal;

import dev.querycache.QueryClient;
import dev.querycache.spi.Invalidation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An {@link Invalidation} as JSON, the cluster's message format:
 * {@code {"origin","kind","tags":[..],"endpoint","principal","arg"}}, tags as {@link TagJson} writes them, an
 * entry's arg typed back from its endpoint's signature ({@link EndpointTypes}). Stateless apart from its
 * mapper and client; thread-safe.
 */
public final class InvalidationJson {

    private final JsonMapper mapper;
    private final QueryClient client;

    public InvalidationJson(JsonMapper mapper, QueryClient client) {
        this.mapper = mapper;
        this.client = client;
    }

    /** {@code i} as a JSON object (the cluster bus adds its versions to it). */
    public ObjectNode write(Invalidation i) {
        ObjectNode n = mapper.createObjectNode();
        n.put("origin", i.origin());
        n.put("kind", i.kind().name());
        TagJson.write(mapper, n.putArray("tags"), i.tags());
        if (i.endpoint() != null) {
            n.put("endpoint", i.endpoint());
        }
        if (i.principal() != null) {
            n.put("principal", i.principal());
        }
        n.set("arg", mapper.valueToTree(i.arg()));
        return n;
    }

    /**
     * The invalidation {@code n} describes.
     *
     * @throws RuntimeException (Jackson's, or IllegalArgumentException) for a message that is not one
     */
    public Invalidation read(JsonNode n) {
        String origin = n.get("origin").asString();
        Invalidation.Kind kind = Invalidation.Kind.valueOf(n.get("kind").asString());
        return switch (kind) {
            case TAGS -> Invalidation.tags(origin, TagJson.read(mapper, n.get("tags")));
            case ENTRY -> {
                String endpoint = n.get("endpoint").asString();
                JsonNode arg = n.get("arg");
                Object typed = null;
                if (arg != null && !arg.isNull()) {
                    typed = client.inspector().endpointNames().contains(endpoint)
                            ? mapper.convertValue(arg, mapper.getTypeFactory().constructType(EndpointTypes.of(client, endpoint).arg()))
                            : mapper.treeToValue(arg, Object.class);
                }
                yield Invalidation.entry(origin, endpoint, typed, principal(n));
            }
            case ENDPOINT -> Invalidation.endpoint(origin, n.get("endpoint").asString(), principal(n));
        };
    }

    private static String principal(JsonNode n) {
        JsonNode p = n.get("principal");
        return p == null || p.isNull() ? null : p.asString();
    }
}

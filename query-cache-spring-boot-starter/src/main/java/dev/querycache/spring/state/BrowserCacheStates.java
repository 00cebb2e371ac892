package dev.querycache.spring.state;

import dev.querycache.DehydratedState;
import dev.querycache.Tag;
import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.StableJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link DehydratedState} in the shapes browser caches rehydrate from: TanStack Query v5's
 * {@code DehydratedState} and RTK Query's api slice state ({@link StateFormat}). Also the key of one entry as
 * each library spells it. Infinite data as {@code {pages, pageParams}}
 * ({@link DataJson#tree}). Stateless apart from the mapper; thread-safe.
 */
final class BrowserCacheStates {

    private final JsonMapper mapper;

    BrowserCacheStates(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The TanStack query key of an entry: {@code [endpoint, arg]}. */
    ArrayNode queryKey(String endpoint, Object arg) {
        ArrayNode key = mapper.createArrayNode();
        key.add(endpoint);
        key.add(mapper.valueToTree(arg));
        return key;
    }

    /** TanStack's {@code queryHash} of a key: its default {@code hashKey}. */
    static String queryHash(JsonNode queryKey) {
        return StableJson.stringify(queryKey);
    }

    /** RTK Query's cache key of an entry: {@code defaultSerializeQueryArgs}. */
    String rtkCacheKey(String endpoint, Object arg) {
        return endpoint + "(" + (arg == null ? "undefined" : StableJson.stringify(mapper.valueToTree(arg))) + ")";
    }

    ObjectNode tanstack(DehydratedState state) {
        ObjectNode root = mapper.createObjectNode();
        root.putArray("mutations");
        ArrayNode queries = root.putArray("queries");
        for (DehydratedState.DehydratedQuery q : state.queries()) {
            long at = q.fulfilledAt().toEpochMilli();
            ObjectNode n = queries.addObject();
            ArrayNode key = queryKey(q.endpoint(), q.arg());
            n.set("queryKey", key);
            n.put("queryHash", queryHash(key));
            n.put("dehydratedAt", System.currentTimeMillis());
            ObjectNode s = n.putObject("state");
            s.set("data", DataJson.tree(mapper, q.data()));
            s.put("dataUpdateCount", 1);
            s.put("dataUpdatedAt", at);
            s.putNull("error");
            s.put("errorUpdateCount", 0);
            s.put("errorUpdatedAt", 0);
            s.put("fetchFailureCount", 0);
            s.putNull("fetchFailureReason");
            s.putNull("fetchMeta");
            s.put("isInvalidated", false);
            s.put("status", "success");
            s.put("fetchStatus", "idle");
        }
        return root;
    }

    ObjectNode rtkQuery(DehydratedState state) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode queries = root.putObject("queries");
        root.putObject("mutations");
        ObjectNode provided = root.putObject("provided");
        ObjectNode byTag = provided.putObject("tags");
        ObjectNode byKey = provided.putObject("keys");
        for (DehydratedState.DehydratedQuery q : state.queries()) {
            String cacheKey = rtkCacheKey(q.endpoint(), q.arg());
            long at = q.fulfilledAt().toEpochMilli();
            ObjectNode n = queries.putObject(cacheKey);
            n.put("status", "fulfilled");
            n.put("endpointName", q.endpoint());
            n.put("requestId", "query-cache");
            if (q.arg() != null) {
                n.set("originalArgs", mapper.valueToTree(q.arg()));
            }
            n.put("startedTimeStamp", at);
            n.set("data", DataJson.tree(mapper, q.data()));
            n.put("fulfilledTimeStamp", at);
            ArrayNode keyTags = byKey.putArray(cacheKey);
            for (Tag t : q.tags()) {
                ObjectNode tag = keyTags.addObject().put("type", t.type());
                if (t.id() != null) {
                    tag.set("id", mapper.valueToTree(t.id()));
                }
                String id = t.id() == null ? "__internal_without_id" : String.valueOf(t.id());
                ObjectNode ids = byTag.has(t.type()) ? (ObjectNode) byTag.get(t.type()) : byTag.putObject(t.type());
                (ids.has(id) ? (ArrayNode) ids.get(id) : ids.putArray(id)).add(cacheKey);
            }
        }
        return root;
    }
}

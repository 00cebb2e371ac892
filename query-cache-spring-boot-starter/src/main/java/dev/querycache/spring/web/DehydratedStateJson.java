package dev.querycache.spring.web;

import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.internal.TagJson;
import dev.querycache.DehydratedState;
import dev.querycache.InfiniteData;
import dev.querycache.QueryClient;
import dev.querycache.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads a {@link DehydratedState} as JSON with the application's Jackson mapper, and writes it
 * as a {@code <script type="application/json" id="query-cache-state">} element for a server-rendered page.
 *
 * <p>Format: {@code {"queries":[{"endpoint":..,"arg":..,"data":..,"fulfilledAt":<epoch ms>,"tags":[{"type":..,"id":..}],"infinite":..}]}},
 * infinite data as {@code {"pages":[..],"pageParams":[..]}}. Reading types each arg, page param and datum
 * from the endpoint's fetcher signature ({@code QueryFetcher<A, R>}, {@code InfiniteQueryFetcher<A, P, R>});
 * entries of endpoints the client does not know are skipped.
 *
 * <p>The script element cannot be broken out of: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are
 * written as JSON {@code \\u} escapes, so no data can close the element, open a comment or end a
 * JavaScript line. Thread-safe.
 */
public final class DehydratedStateJson {

    /** The id of the script element. */
    public static final String SCRIPT_ID = "query-cache-state";

    private final JsonMapper mapper;
    private final QueryClient client;

    public DehydratedStateJson(JsonMapper mapper, QueryClient client) {
        this.mapper = mapper;
        this.client = client;
    }

    /** {@code state} as JSON. */
    public String write(DehydratedState state) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode queries = root.putArray("queries");
        for (DehydratedState.DehydratedQuery q : state.queries()) {
            ObjectNode n = queries.addObject();
            n.put("endpoint", q.endpoint());
            n.set("arg", mapper.valueToTree(q.arg()));
            if (q.infinite() && q.data() instanceof InfiniteData<?, ?> d) {
                ObjectNode data = n.putObject("data");
                data.set("pages", mapper.valueToTree(d.pages()));
                data.set("pageParams", mapper.valueToTree(d.pageParams()));
            } else {
                n.set("data", mapper.valueToTree(q.data()));
            }
            n.put("fulfilledAt", q.fulfilledAt().toEpochMilli());
            TagJson.write(mapper, n.putArray("tags"), q.tags());
            n.put("infinite", q.infinite());
        }
        return mapper.writeValueAsString(root);
    }

    /** The state written by {@link #write}, typed from the endpoints' signatures. */
    public DehydratedState read(String json) {
        JsonNode root = mapper.readTree(json);
        List<DehydratedState.DehydratedQuery> out = new ArrayList<>();
        JsonNode queries = root.get("queries");
        if (queries == null || !queries.isArray()) {
            throw new IllegalArgumentException("not a dehydrated query-cache state: no \"queries\" array");
        }
        for (JsonNode n : queries) {
            String endpoint = n.get("endpoint").asString();
            if (!client.inspector().endpointNames().contains(endpoint)) {
                continue;
            }
            EndpointTypes.Types types = EndpointTypes.of(client, endpoint);
            Object arg = convert(n.get("arg"), type(types.arg()));
            Object data;
            if (types.infinite()) {
                JsonNode d = n.get("data");
                List<Object> pages = mapper.convertValue(d.get("pages"),
                        mapper.getTypeFactory().constructCollectionType(List.class, type(types.data())));
                List<Object> params = mapper.convertValue(d.get("pageParams"),
                        mapper.getTypeFactory().constructCollectionType(List.class, type(types.pageParam())));
                data = new InfiniteData<>(pages, params);
            } else {
                data = convert(n.get("data"), type(types.data()));
            }
            Set<Tag> tags = new LinkedHashSet<>(TagJson.read(mapper, n.get("tags")));
            out.add(new DehydratedState.DehydratedQuery(endpoint, arg, data,
                    Instant.ofEpochMilli(n.get("fulfilledAt").asLong()), tags, types.infinite()));
        }
        return new DehydratedState(out);
    }

    /**
     * The state of one request — only the entries it read, of every scope — as a script element: what a
     * page should embed. {@code QueryScopeWebFilter.request(exchange)} or {@code QueryScopes.request(ctx)}
     * gives the request's scope.
     */
    public String scriptElement(dev.querycache.RequestScope request) {
        return scriptElement(client.dehydrate(request));
    }

    /** The state as a script element that no data can break out of. */
    public String scriptElement(DehydratedState state) {
        return "<script type=\"application/json\" id=\"" + SCRIPT_ID + "\">" + escapeForScript(write(state)) + "</script>";
    }

    /** JSON made safe inside an HTML script element (and as a JavaScript literal). */
    static String escapeForScript(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private JavaType type(java.lang.reflect.Type t) {
        return mapper.getTypeFactory().constructType(t);
    }

    private Object convert(JsonNode node, JavaType type) {
        return node == null || node.isNull() ? null : mapper.convertValue(node, type);
    }
}

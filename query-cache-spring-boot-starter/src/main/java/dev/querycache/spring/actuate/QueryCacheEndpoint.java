package dev.querycache.spring.actuate;

import dev.querycache.QueryClient;
import dev.querycache.QueryState;
import dev.querycache.Tag;
import dev.querycache.spring.internal.EntryViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Actuator endpoint {@code querycache}: read gives the stats and every entry (endpoint, arg, status, age,
 * subscribers, tags, fetching, stale); write invalidates a tag ({@code {"type": "Pokemon", "id": "pikachu"}},
 * id optional).
 */
@Endpoint(id = "querycache")
public class QueryCacheEndpoint {

    private final QueryClient client;

    public QueryCacheEndpoint(QueryClient client) {
        this.client = client;
    }

    @ReadOperation
    public Map<String, Object> cache() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stats", client.stats());
        out.put("size", client.inspector().size());
        out.put("subscriptions", client.inspector().subscriptionCount());
        out.put("requestEntries", client.inspector().requestEntryCount());
        List<Map<String, Object>> entries = new ArrayList<>();
        Instant now = Instant.now();
        for (QueryState<?> s : client.entries()) {
            entries.add(EntryViews.describe(s, now, String::valueOf));
        }
        out.put("entries", entries);
        return out;
    }

    /**
     * Invalidates the tag {@code type} (with {@code id}: that one tag). Without a {@code type} (a POST of
     * {@code {}}), 400 with a body that says what to send, instead of Boot's bare "Bad Request".
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> invalidate(@Nullable String type, @Nullable String id) {
        if (type == null || type.isBlank()) {
            return new WebEndpointResponse<>(Map.of("error", "\"type\" is missing: send {\"type\": \"Pokemon\"} to "
                    + "invalidate a tag type, or {\"type\": \"Pokemon\", \"id\": \"pikachu\"} for one tag"),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        Tag tag = id == null || id.isBlank() ? Tag.of(type) : Tag.of(type, id);
        client.invalidateTags(tag);
        return new WebEndpointResponse<>(Map.of("invalidated", tag.toString()));
    }
}

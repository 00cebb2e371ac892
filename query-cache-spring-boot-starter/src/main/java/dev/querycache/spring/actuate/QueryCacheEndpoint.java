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

    @WriteOperation
    public Map<String, Object> invalidate(String type, @Nullable String id) {
        Tag tag = id == null || id.isBlank() ? Tag.of(type) : Tag.of(type, id);
        client.invalidateTags(tag);
        return Map.of("invalidated", tag.toString());
    }
}

package dev.querycache.spring.internal;

import dev.querycache.QueryState;
import dev.querycache.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One cache entry as the actuator endpoint and devtools show it: endpoint, arg, principal (whose a
 * PRINCIPAL entry is; null for shared ones), status, age, subscribers, tags, fetching, stale. Stateless.
 */
public final class EntryViews {

    private EntryViews() {
    }

    /**
     * @param state the entry
     * @param now the instant ages are measured from
     * @param arg how the arg is shown (a string for the actuator, the raw value for devtools' JSON)
     */
    public static Map<String, Object> describe(QueryState<?> state, Instant now, Function<Object, Object> arg) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("endpoint", state.endpoint());
        e.put("arg", arg.apply(state.arg()));
        e.put("principal", state.principal());
        e.put("status", state.status().name());
        e.put("ageMillis", state.fulfilledAt() == null ? null : Duration.between(state.fulfilledAt(), now).toMillis());
        e.put("subscribers", state.subscriberCount());
        e.put("tags", state.tags().stream().map(Tag::toString).sorted().toList());
        e.put("fetching", state.isFetching());
        e.put("stale", state.isStale());
        e.put("source", state.source() == null ? null : state.source().name().toLowerCase(java.util.Locale.ROOT));
        return e;
    }
}

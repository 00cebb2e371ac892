package dev.querycache.spring.web;

import dev.querycache.QueryClient;
import dev.querycache.QueryState;
import dev.querycache.spring.internal.EntryViews;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one feed every devtools viewer reads, so that viewers cost the server almost nothing each:
 *
 * <ul>
 *   <li>After each burst of cache events (at most every {@code interval}), one pass over the cache builds
 *       each entry's JSON and compares it with the last pass; what changed becomes one {@code patch} event
 *       ({@code {"stats", "requestEntries", "upsert": [entries], "remove": [keys]}}), serialized once and
 *       sent to every viewer. Nothing is built while nobody watches.</li>
 *   <li>A new viewer gets the whole cache once ({@code cache} event, joined from the JSON already built),
 *       then the patches.</li>
 *   <li>At most {@code maxViewers} viewers at once ({@link #open} answers null beyond). A viewer that falls
 *       64 events behind is disconnected; its browser reconnects and starts from a whole snapshot.</li>
 * </ul>
 *
 * An entry's JSON carries {@code fulfilledAt} (epoch millis), not its age, so that an entry that did not change
 * is not sent again; the page computes ages. Thread-safe: passes and viewer registration hold this feed's monitor.
 */
final class DevtoolsFeed implements AutoCloseable {

    /** One event for one viewer. */
    record Event(String name, String json) {
    }

    private static final int VIEWER_BUFFER = 64;

    private final QueryClient client;
    private final JsonMapper mapper;
    private final int maxViewers;
    private final List<Sinks.Many<Event>> viewers = new CopyOnWriteArrayList<>();
    private final Disposable bursts;
    private final LongAdder passes = new LongAdder();
    private final LongAdder ticks = new LongAdder();
    /** key → entry JSON of the last pass; guarded by this. */
    private Map<String, String> current = new LinkedHashMap<>();
    /** Whether the cache changed while nobody watched (so {@link #current} is old); guarded by this. */
    private boolean stale = true;

    DevtoolsFeed(QueryClient client, JsonMapper mapper, int maxViewers, Duration interval) {
        this.client = client;
        this.mapper = mapper;
        this.maxViewers = maxViewers;
        this.bursts = client.events().sample(interval).subscribe(e -> tick());
    }

    /** Passes over the cache so far (each one shared by every viewer). */
    long passes() {
        return passes.sum();
    }

    /** Bursts of cache events seen so far (each one a pass only while somebody watches). */
    long ticks() {
        return ticks.sum();
    }

    int viewers() {
        return viewers.size();
    }

    /** A new viewer's events (the whole cache, then patches); null when {@code maxViewers} watch already. */
    synchronized Flux<Event> open() {
        if (viewers.size() >= maxViewers) {
            return null;
        }
        if (stale || viewers.isEmpty()) {
            current = pass();
            stale = false;
        }
        Sinks.Many<Event> sink = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(VIEWER_BUFFER));
        sink.tryEmitNext(new Event("cache", whole()));
        viewers.add(sink);
        return sink.asFlux().doFinally(s -> viewers.remove(sink));
    }

    private synchronized void tick() {
        ticks.increment();
        if (viewers.isEmpty()) {
            stale = true;
            return;
        }
        Map<String, String> next = pass();
        List<String> upsert = new ArrayList<>();
        next.forEach((key, json) -> {
            if (!json.equals(current.get(key))) {
                upsert.add(json);
            }
        });
        List<String> remove = new ArrayList<>();
        for (String key : current.keySet()) {
            if (!next.containsKey(key)) {
                remove.add(key);
            }
        }
        current = next;
        Event patch = new Event("patch", "{\"stats\":" + mapper.writeValueAsString(client.stats())
                + ",\"requestEntries\":" + client.inspector().requestEntryCount()
                + ",\"upsert\":[" + String.join(",", upsert) + "],\"remove\":" + mapper.writeValueAsString(remove) + "}");
        for (Sinks.Many<Event> viewer : viewers) {
            if (viewer.tryEmitNext(patch).isFailure()) {
                viewer.tryEmitComplete();   // too far behind: it reconnects and starts from a whole snapshot
                viewers.remove(viewer);
            }
        }
    }

    /** Each entry's JSON by key, in one pass over the cache. */
    private Map<String, String> pass() {
        passes.increment();
        Map<String, String> out = new HashMap<>();
        Instant now = Instant.now();
        for (QueryState<?> s : client.entries()) {
            Map<String, Object> e = EntryViews.describe(s, now, a -> a);
            e.remove("ageMillis");
            e.put("fulfilledAt", s.fulfilledAt() == null ? null : s.fulfilledAt().toEpochMilli());
            String key;
            try {
                key = mapper.writeValueAsString(List.of(s.endpoint(), String.valueOf(s.principal()),
                        mapper.writeValueAsString(s.arg())));
                e.put("key", key);
                out.put(key, mapper.writeValueAsString(e));
            } catch (JacksonException ex) {
                // an arg that is not JSON-serializable cannot be shown or acted on: left out
            }
        }
        return out;
    }

    private String whole() {
        return "{\"stats\":" + mapper.writeValueAsString(client.stats()) + ",\"requestEntries\":"
                + client.inspector().requestEntryCount() + ",\"entries\":[" + String.join(",", current.values()) + "]}";
    }

    @Override
    public void close() {
        bursts.dispose();
        viewers.forEach(Sinks.Many::tryEmitComplete);
        viewers.clear();
    }
}

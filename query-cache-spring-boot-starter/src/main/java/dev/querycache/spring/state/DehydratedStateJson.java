package dev.querycache.spring.state;

import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.TagJson;
import dev.querycache.DehydratedState;
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
 * <p>{@link #scriptElement} writes the configured {@link StateFormat} ({@code query-cache.web.state-format}):
 * query-cache's own, TanStack Query's or RTK Query's, so that the front end's cache starts from it.
 *
 * <p>Own format: {@code {"queries":[{"endpoint":..,"arg":..,"data":..,"fulfilledAt":<epoch ms>,"tags":[{"type":..,"id":..}],"infinite":..}]}},
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
    private final StateFormat pageFormat;
    private final BrowserCacheStates browser;

    /** Writes page state in query-cache's own format. */
    public DehydratedStateJson(JsonMapper mapper, QueryClient client) {
        this(mapper, client, StateFormat.QUERY_CACHE);
    }

    /**
     * @param pageFormat the format of the script elements written without one ({@code query-cache.web.state-format})
     */
    public DehydratedStateJson(JsonMapper mapper, QueryClient client, StateFormat pageFormat) {
        this.mapper = mapper;
        this.client = client;
        this.pageFormat = java.util.Objects.requireNonNull(pageFormat, "pageFormat");
        this.browser = new BrowserCacheStates(mapper);
    }

    /** {@code state} as JSON in {@code format}; only {@link StateFormat#QUERY_CACHE} can be {@link #read} back. */
    public String write(DehydratedState state, StateFormat format) {
        return switch (format) {
            case QUERY_CACHE -> write(state);
            case TANSTACK -> mapper.writeValueAsString(browser.tanstack(state));
            case RTK_QUERY -> mapper.writeValueAsString(browser.rtkQuery(state));
        };
    }

    /** The TanStack query key of an entry, {@code [endpoint, arg]}, as the page state and the events stream write it. */
    public String queryKey(String endpoint, Object arg) {
        return mapper.writeValueAsString(browser.queryKey(endpoint, arg));
    }

    /** {@code state} as JSON in query-cache's own format. */
    public String write(DehydratedState state) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            write(state, out, Long.MAX_VALUE, (endpoint, bytes) -> { });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code state} to {@code out} in query-cache's own format, one entry at a time: each
     * entry is written to memory first, and only when its JSON stays within {@code maxEntryBytes}; a larger
     * one is dropped as soon as it outgrows the cap (never held whole) and {@code skipped} is told. Memory
     * holds one entry's JSON at most. Does not close {@code out}.
     *
     * @return the entries written
     */
    public long write(DehydratedState state, java.io.OutputStream out, long maxEntryBytes, SkippedEntry skipped)
            throws java.io.IOException {
        out.write("{\"queries\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long n = 0;
        for (DehydratedState.DehydratedQuery q : state.queries()) {
            CappedBytes entry = new CappedBytes(maxEntryBytes);
            try (tools.jackson.core.JsonGenerator g = mapper.createGenerator(entry)) {
                g.writeStartObject();
                g.writeStringProperty("endpoint", q.endpoint());
                g.writeName("arg");
                g.writePOJO(q.arg());
                g.writeName("data");
                DataJson.write(mapper, q.data(), g);
                g.writeNumberProperty("fulfilledAt", q.fulfilledAt().toEpochMilli());
                ArrayNode tags = mapper.createArrayNode();
                TagJson.write(mapper, tags, q.tags());
                g.writeName("tags");
                g.writeTree(tags);
                g.writeBooleanProperty("infinite", q.infinite());
                g.writeEndObject();
            } catch (CappedBytes.Over e) {
                skipped.skipped(q.endpoint(), entry.size());
                continue;
            } catch (tools.jackson.core.JacksonException e) {
                if (!(e.getCause() instanceof CappedBytes.Over)) {
                    throw e;
                }
                skipped.skipped(q.endpoint(), entry.size());
                continue;
            }
            if (n > 0) {
                out.write(',');
            }
            entry.writeTo(out);
            n++;
        }
        out.write("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return n;
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
            DehydratedState.DehydratedQuery q = entry(n);
            if (q != null) {
                out.add(q);
            }
        }
        return new DehydratedState(out);
    }

    /**
     * Reads the state written by {@link #write} from {@code in} one entry at a time, handing each to
     * {@code sink} as soon as it is read: memory holds one entry's JSON, never the whole file. Stops after
     * {@code maxEntries} entries.
     *
     * @return how many entries were handed to {@code sink}
     * @throws IllegalArgumentException when the input is no query-cache state (nothing was handed over then
     *     only if the error came before the first entry)
     */
    /**
     * Reads a state streaming from {@code in}, handing each entry to {@code sink} as it is read, at most
     * {@code maxEntries} of them (persistence reads files far larger than the heap this way).
     *
     * @return the entries read
     */
    public long read(java.io.InputStream in, java.util.function.Consumer<DehydratedState.DehydratedQuery> sink, long maxEntries) {
        return read(in, sink, maxEntries, Long.MAX_VALUE, (endpoint, bytes) -> { });
    }

    /** Told of an entry skipped for its size: its endpoint (null when unknown) and its size so far in bytes. */
    @FunctionalInterface
    public interface SkippedEntry {
        void skipped(String endpoint, long bytes);
    }

    /**
     * As {@link #read(java.io.InputStream, java.util.function.Consumer, long)}, skipping every entry whose JSON
     * is over {@code maxEntryBytes}: it is copied only up to that size (and one token), never built, and
     * {@code skipped} is told.
     */
    public long read(java.io.InputStream in, java.util.function.Consumer<DehydratedState.DehydratedQuery> sink, long maxEntries,
                     long maxEntryBytes, SkippedEntry skipped) {
        long n = 0;
        // one entry's tree at a time; the parser goes on after it (the rest of the array is no "trailing token")
        tools.jackson.databind.ObjectReader entries = mapper.reader()
                .without(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try (tools.jackson.core.JsonParser p = mapper.createParser(in)) {
            if (p.nextToken() != tools.jackson.core.JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a dehydrated query-cache state: not a JSON object");
            }
            boolean sawQueries = false;
            while (p.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                tools.jackson.core.JsonToken value = p.nextToken();
                if (!"queries".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                if (value != tools.jackson.core.JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException("not a dehydrated query-cache state: \"queries\" is no array");
                }
                sawQueries = true;
                while (p.nextToken() != tools.jackson.core.JsonToken.END_ARRAY) {
                    JsonNode node = maxEntryBytes == Long.MAX_VALUE ? entries.readTree(p) : readCapped(p, maxEntryBytes, skipped);
                    if (node == null) {
                        continue;   // over the cap: skipped
                    }
                    if (n >= maxEntries) {
                        continue;   // read to the end, to tell a truncated file from a long one; keep nothing
                    }
                    DehydratedState.DehydratedQuery q = entry(node);
                    if (q != null) {
                        sink.accept(q);
                        n++;
                    }
                }
            }
            if (!sawQueries) {
                throw new IllegalArgumentException("not a dehydrated query-cache state: no \"queries\" array");
            }
        }
        return n;
    }

    /**
     * The value at the parser's current token as a tree, copied token by token while its JSON stays under
     * {@code maxBytes}; past that the rest is skipped unread (no tree, no copy) and null returned.
     */
    private JsonNode readCapped(tools.jackson.core.JsonParser p, long maxBytes, SkippedEntry skipped) {
        CappedBytes copy = new CappedBytes(maxBytes);
        String endpoint = null;
        int depth = 0;
        boolean over = false;
        try (tools.jackson.core.JsonGenerator g = mapper.createGenerator(copy)) {
            while (true) {
                tools.jackson.core.JsonToken t = p.currentToken();
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                } else if (depth == 1 && t == tools.jackson.core.JsonToken.VALUE_STRING && "endpoint".equals(p.currentName())) {
                    endpoint = p.getString();
                }
                g.copyCurrentEvent(p);
                g.flush();
                if (copy.over()) {
                    over = true;
                    break;
                }
                if (depth == 0) {
                    break;
                }
                p.nextToken();
            }
        } catch (CappedBytes.Over e) {
            over = true;
        } catch (tools.jackson.core.JacksonException e) {
            if (!(e.getCause() instanceof CappedBytes.Over)) {
                throw e;
            }
            over = true;
        }
        if (!over) {
            return mapper.readTree(copy.toByteArray());
        }
        while (depth > 0) {   // skip what is left of the entry without reading it into memory
            tools.jackson.core.JsonToken t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("not a dehydrated query-cache state: it ends inside an entry");
            }
            if (t.isStructStart()) {
                p.skipChildren();
            } else if (t.isStructEnd()) {
                depth--;
            }
        }
        skipped.skipped(endpoint, copy.size());
        return null;
    }

    /** One entry of the state, typed from its endpoint's signature; null for an endpoint this client lacks. */
    private DehydratedState.DehydratedQuery entry(JsonNode n) {
        JsonNode name = n.get("endpoint");
        if (name == null || !name.isString()) {
            throw new IllegalArgumentException("not a dehydrated query-cache state: an entry without \"endpoint\"");
        }
        String endpoint = name.asString();
        if (!client.inspector().endpointNames().contains(endpoint)) {
            return null;
        }
        EndpointTypes.Types types = EndpointTypes.of(client, endpoint);
        Object arg = convert(n.get("arg"), type(types.arg()));
        Object data = DataJson.read(mapper, types, n.get("data"));
        Set<Tag> tags = new LinkedHashSet<>(TagJson.read(mapper, n.get("tags")));
        return new DehydratedState.DehydratedQuery(endpoint, arg, data,
                Instant.ofEpochMilli(n.get("fulfilledAt").asLong()), tags, types.infinite());
    }

    /**
     * The state of one request — only the entries it read, of every scope — as a script element in the
     * configured format ({@code query-cache.web.state-format}): what a page should embed.
     * {@code QueryScopeWebFilter.request(exchange)} or {@code QueryScopes.request(ctx)} gives the request's scope.
     */
    public String scriptElement(dev.querycache.RequestScope request) {
        return scriptElement(client.dehydrate(request), pageFormat);
    }

    /** {@link #scriptElement(dev.querycache.RequestScope)} in {@code format}. */
    public String scriptElement(dev.querycache.RequestScope request, StateFormat format) {
        return scriptElement(client.dehydrate(request), format);
    }

    /** The state as a script element, in the configured format, that no data can break out of. */
    public String scriptElement(DehydratedState state) {
        return scriptElement(state, pageFormat);
    }

    /** The state as a script element in {@code format} that no data can break out of. */
    public String scriptElement(DehydratedState state, StateFormat format) {
        String formatAttribute = format == StateFormat.QUERY_CACHE ? ""
                : " data-format=\"" + format.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "\"";
        return "<script type=\"application/json\" id=\"" + SCRIPT_ID + "\"" + formatAttribute + ">"
                + escapeForScript(write(state, format)) + "</script>";
    }

    /** JSON made safe inside an HTML script element (and as a JavaScript literal). */
    static String escapeForScript(String json) {
        return dev.querycache.spring.internal.ScriptJson.escape(json);
    }

    private JavaType type(java.lang.reflect.Type t) {
        return mapper.getTypeFactory().constructType(t);
    }

    private Object convert(JsonNode node, JavaType type) {
        return node == null || node.isNull() ? null : mapper.convertValue(node, type);
    }
}

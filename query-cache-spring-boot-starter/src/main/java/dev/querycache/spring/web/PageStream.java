package dev.querycache.spring.web;

import dev.querycache.DehydratedState;
import dev.querycache.QueryClient;
import dev.querycache.RequestScope;
import dev.querycache.spring.internal.ScriptJson;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.StateFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * The response of one {@link StreamedPage}: its pending queries, the entries of the request's page state
 * already sent, and the chunks that follow the shell (see {@link StreamedPage} for what the page sees).
 *
 * <p>The chunks: before {@code </body>}, once, the runtime ({@code stream.js}: {@code __qcFill(n)} puts
 * {@code <template data-qc-fill=n>} in place of {@code [data-qc-slot=n]}; {@code __qcPush(message)} grows
 * the page state element and queues the message on {@code self.__queryCacheStream} for the browser caches,
 * with a {@code query-cache:stream} event) and the keys still coming ({@code pending}); then, for the
 * queries that settled (those settling together share a chunk), their elements and a {@code settled} message
 * (their keys, and the entries they added, in the page's state format) or a {@code failed} one; at the end a {@code timeout} message for what did not settle in time, {@code end}
 * and the rest of the shell. Every message is JSON escaped for a script element. Thread-safe: queries settle
 * on their fetches' threads; the chunks are made one at a time.
 */
final class PageStream {

    private static final Log log = LogFactory.getLog(PageStream.class);

    private final QueryClient client;
    private final DehydratedStateJson json;
    private final StateFormat format;
    private final RequestScope request;
    private final String nonceAttribute;
    private final String runtime;
    private final Duration timeout;
    private final long startedNanos = System.nanoTime();
    private final List<PendingQuery> queries = new ArrayList<>();
    private final Set<SentKey> sent = new HashSet<>();   // page-state entries already written, guarded by itself

    /** An entry of the page state: its endpoint and arg (args are cache keys, with equals and hashCode). */
    private record SentKey(String endpoint, Object arg) {
    }

    PageStream(StreamedPage page, QueryClient client, DehydratedStateJson json, StateFormat format, RequestScope request,
               String nonce, String runtime, Duration timeout) {
        this.client = client;
        this.json = json;
        this.format = format;
        this.request = request;
        this.nonceAttribute = nonce == null || nonce.isEmpty() ? "" : " nonce=\"" + attributeEscape(nonce) + "\"";
        this.runtime = runtime;
        this.timeout = timeout;
        AtomicInteger ids = new AtomicInteger();
        for (StreamedPage.Pending p : page.pendingQueries()) {
            queries.add(new PendingQuery(p, ids));
        }
    }

    List<PendingQuery> queries() {
        return queries;
    }

    /**
     * Subscribes every pending query, in the request's Context: those that answer at once here, the others
     * (their fetches to start or join) together on one thread of the parallel scheduler, so that starting them
     * does not hold up the first byte, and one hop restores the request's thread-locals for all of them.
     */
    void start(ContextView context) {
        List<PendingQuery> later = new ArrayList<>();
        for (PendingQuery q : queries) {
            if (q.answersAtOnce(context)) {
                q.subscribe(context);
            } else {
                later.add(q);
            }
        }
        if (!later.isEmpty()) {
            Mono.fromRunnable(() -> later.forEach(q -> q.subscribe(context)))
                    .subscribeOn(Schedulers.parallel())
                    .contextWrite(context)
                    .subscribe(null, e -> log.warn("streamed page: starting its queries failed: " + e));
        }
    }

    void stop() {
        for (PendingQuery q : queries) {
            q.stop();
        }
    }

    /**
     * The page state the template writes with {@code ${queryCacheState}}: rendered when the template reaches it,
     * with what the request had read by then; what it holds is not sent again.
     */
    Object shellState() {
        return new Object() {
            @Override
            public String toString() {
                return json.scriptElement(unsent(), format);
            }
        };
    }

    /** Writes the page: whole when nothing is pending, else the shell at once and each query as it settles. */
    Mono<Void> write(ServerHttpResponse response, String shell) {
        List<PendingQuery> streamed = new ArrayList<>();
        for (PendingQuery q : queries) {
            if (!q.placements().isEmpty() || (q.endpoint() != null && q.outcome() == PendingQuery.Outcome.PENDING)) {
                streamed.add(q);
            }
        }
        if (streamed.isEmpty()) {
            byte[] bytes = shell.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().setContentLength(bytes.length);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
        }
        int cut = shell.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
        String head = cut < 0 ? shell : shell.substring(0, cut);
        String end = cut < 0 ? "" : shell.substring(cut);
        response.getHeaders().set("X-Accel-Buffering", "no");   // proxies: pass each chunk on at once
        Duration left = timeout.minusNanos(System.nanoTime() - startedNanos);
        Set<PendingQuery> written = new HashSet<>();   // touched only by the serialized settlement signals
        Flux<String> settlements = Flux.merge(streamed.stream().map(PendingQuery::settled).toList())
                .takeUntilOther(Mono.delay(left.isNegative() ? Duration.ZERO : left))
                .handle((q, sink) -> {
                    String chunk = settledChunk(streamed, written);
                    if (!chunk.isEmpty()) {
                        sink.next(chunk);
                    }
                });
        Flux<String> chunks = Flux.concat(
                Mono.fromSupplier(() -> head + opening(streamed)),
                settlements,
                Mono.fromSupplier(() -> closing(streamed) + end));
        // Reactor Netty writes what is ready and flushes whenever the source has nothing more at once: the shell
        // goes out before any query settles, and queries that settle together share one flush
        return response.writeWith(chunks.map(s -> buffer(response, s)));
    }

    private String opening(List<PendingQuery> streamed) {
        StringBuilder out = new StringBuilder(runtime.length() + 256);
        out.append("<script").append(nonceAttribute).append('>').append(runtime).append("</script>");
        message(out, "{\"type\":\"pending\",\"keys\":" + keysStillPending(streamed) + "}");
        settledMessage(out, "[]");   // what the request read since the template wrote its state
        return out.toString();
    }

    /**
     * One chunk for every query that has settled and is not written yet, in settle order: each one's elements,
     * then one {@code settled} message with the entries they added (and a {@code failed} one per failure).
     * Queries that settle together share a chunk, a page-state read and a message. Empty when none is new.
     */
    private String settledChunk(List<PendingQuery> streamed, Set<PendingQuery> written) {
        List<PendingQuery> now = new ArrayList<>();
        for (PendingQuery q : streamed) {
            if (q.outcome() != PendingQuery.Outcome.PENDING && !written.contains(q)) {
                now.add(q);
            }
        }
        if (now.isEmpty()) {
            return "";
        }
        now.sort(java.util.Comparator.comparingLong(PendingQuery::settledAt));
        written.addAll(now);
        StringBuilder out = new StringBuilder(1024);
        StringBuilder keys = new StringBuilder("[");
        for (PendingQuery q : now) {
            for (PendingQuery.Placement p : q.placements()) {
                String element;
                try {
                    element = p.render().get();
                } catch (RuntimeException e) {
                    log.warn("streamed page: rendering '" + q.name() + "' again failed; its fallback stays: " + e);
                    continue;
                }
                out.append("<template data-qc-fill=\"").append(p.id()).append("\">").append(element).append("</template>")
                        .append("<script").append(nonceAttribute).append(">__qcFill(").append(p.id()).append(")</script>");
            }
            if (q.outcome() == PendingQuery.Outcome.FAILED) {
                message(out, "{\"type\":\"failed\",\"key\":" + q.keyJson(json::queryKey) + "}");
            } else if (q.endpoint() != null) {
                keys.append(keys.length() > 1 ? "," : "").append(q.keyJson(json::queryKey));
            }
        }
        settledMessage(out, keys.append(']').toString());
        return out.toString();
    }

    private String closing(List<PendingQuery> streamed) {
        StringBuilder out = new StringBuilder(128);
        String keys = keysStillPending(streamed);
        if (!"[]".equals(keys)) {
            message(out, "{\"type\":\"timeout\",\"keys\":" + keys + "}");
        }
        message(out, "{\"type\":\"end\"}");
        return out.toString();
    }

    /** The browser-cache keys of the queries that have not settled, as a JSON array. */
    private String keysStillPending(List<PendingQuery> streamed) {
        StringBuilder keys = new StringBuilder("[");
        for (PendingQuery q : streamed) {
            if (q.endpoint() != null && q.outcome() == PendingQuery.Outcome.PENDING) {
                keys.append(keys.length() > 1 ? "," : "").append(q.keyJson(json::queryKey));
            }
        }
        return keys.append(']').toString();
    }

    /** A {@code settled} message for {@code keys} (a JSON array) with the entries not written yet; none when both are empty. */
    private void settledMessage(StringBuilder out, String keys) {
        DehydratedState added = unsent();
        if (added.queries().isEmpty() && "[]".equals(keys)) {
            return;
        }
        message(out, "{\"type\":\"settled\",\"keys\":" + keys + ",\"format\":\"" + formatName() + "\",\"state\":"
                + json.write(added, format) + "}");
    }

    private void message(StringBuilder out, String messageJson) {
        out.append("<script").append(nonceAttribute).append(">__qcPush(").append(ScriptJson.escape(messageJson))
                .append(")</script>");
    }

    /** The entries the request has read that no chunk has carried yet; marks them sent. */
    private DehydratedState unsent() {
        DehydratedState all = client.dehydrate(request);
        List<DehydratedState.DehydratedQuery> fresh = new ArrayList<>();
        synchronized (sent) {
            for (DehydratedState.DehydratedQuery q : all.queries()) {
                if (sent.add(new SentKey(q.endpoint(), q.arg()))) {
                    fresh.add(q);
                }
            }
        }
        return new DehydratedState(fresh);
    }

    private String formatName() {
        return format.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static DataBuffer buffer(ServerHttpResponse response, String s) {
        return response.bufferFactory().wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String attributeEscape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

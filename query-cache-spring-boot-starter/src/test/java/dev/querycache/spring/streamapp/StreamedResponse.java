package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.netty.http.client.HttpClient;

/** A GET read chunk by chunk as the server flushes it: what has arrived so far, waited for by content. */
final class StreamedResponse {

    private final StringBuffer body = new StringBuffer();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Integer> status = new AtomicReference<>();
    private final AtomicReference<HttpHeaders> headers = new AtomicReference<>();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong firstChunkNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.List<Integer> chunkEnds = new java.util.concurrent.CopyOnWriteArrayList<>();

    private StreamedResponse() {
    }

    static StreamedResponse get(int port, String path, Map<String, String> requestHeaders) {
        StreamedResponse r = new StreamedResponse();
        HttpClient.create().headers(h -> requestHeaders.forEach(h::set))
                .get().uri("http://localhost:" + port + path)
                .response((res, content) -> {
                    r.status.set(res.status().code());
                    r.headers.set(res.responseHeaders());
                    return content.asString(StandardCharsets.UTF_8).doOnNext(s -> {
                        r.firstChunkNanos.compareAndSet(0, System.nanoTime());
                        r.body.append(s);
                        r.chunkEnds.add(r.body.length());
                    });
                })
                .subscribe(x -> { }, e -> {
                    r.error.set(e);
                    r.ended.countDown();
                }, r.ended::countDown);
        return r;
    }

    static StreamedResponse get(int port, String path) {
        return get(port, path, Map.of());
    }

    /** Waits (generously) until the body holds {@code text}; returns the body then. */
    String awaitContains(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!body.toString().contains(text)) {
            assertThat(System.nanoTime()).as("'%s' within 30 s; so far: %s", text, body).isLessThan(deadline);
            assertThat(error.get()).as("the response failed").isNull();
            Thread.sleep(5);
        }
        return body.toString();
    }

    /** Waits (generously) until the response ended; returns the whole body. */
    String awaitEnd() throws InterruptedException {
        assertThat(ended.await(30, TimeUnit.SECONDS)).as("the response ended; so far: %s", body).isTrue();
        assertThat(error.get()).as("the response failed").isNull();
        return body.toString();
    }

    /** {@code System.nanoTime()} when the first chunk of the body arrived (0 before). */
    long firstChunkNanos() {
        return firstChunkNanos.get();
    }

    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    String soFar() {
        return body.toString();
    }

    int status() {
        return status.get();
    }

    HttpHeaders headers() {
        return headers.get();
    }

    /** How many separate chunks arrived. */
    int chunks() {
        return chunkEnds.size();
    }

    static Duration generous() {
        return Duration.ofSeconds(30);
    }
}

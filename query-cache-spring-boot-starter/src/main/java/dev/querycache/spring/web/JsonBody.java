package dev.querycache.spring.web;

import dev.querycache.spring.internal.DataJson;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * An entry's data as a JSON response with a strong {@code ETag} (the first 16 bytes of the SHA-256 of the
 * body, base64url), written without ever holding the value's JSON twice. The data is written once to
 * compute the tag, keeping the bytes only while they stay under {@link #KEEP_AT_MOST}: a small body is then
 * sent from those bytes; a larger one is written a second time, straight into the response in chunks as the
 * connection takes them (a 304 writes it only once). So a 60 MB value costs one pass of CPU more, never a
 * tree, a string and two byte copies of itself. Stateless; the data must not change while it is written
 * (cached data never does).
 */
final class JsonBody {

    /** Bodies up to this size (bytes) are kept from the first pass and sent from memory. */
    static final int KEEP_AT_MOST = 256 * 1024;
    private static final int CHUNK = 64 * 1024;

    private JsonBody() {
    }

    /**
     * 200 with the body and its tag, or 304 without a body when {@code If-None-Match} names the tag (or
     * {@code *}). {@code Cache-Control: private, no-cache}: a browser may keep the body but asks again
     * every time, and shared caches never keep it.
     */
    static Mono<ServerResponse> of(ServerRequest request, JsonMapper mapper, Object data) {
        Digesting first = new Digesting(KEEP_AT_MOST);
        DataJson.write(mapper, data, first);
        String etag = first.etag();
        if (ETags.matches(request.headers().header(HttpHeaders.IF_NONE_MATCH), etag)) {
            return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(etag).header("Cache-Control", "private, no-cache").build();
        }
        ServerResponse.BodyBuilder ok = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).eTag(etag)
                .header("Cache-Control", "private, no-cache");
        byte[] kept = first.kept();
        if (kept != null) {
            return ok.contentLength(kept.length).bodyValue(kept);
        }
        return ok.body(BodyInserters.fromDataBuffers(DataBufferUtils.outputStreamPublisher(
                out -> DataJson.write(mapper, data, out), request.exchange().getResponse().bufferFactory(),
                r -> Schedulers.boundedElastic().schedule(r), CHUNK)));
    }

    /** Digests what is written, keeping the bytes while they fit in {@code keepAtMost}. Not thread-safe. */
    static final class Digesting extends OutputStream {
        private final MessageDigest digest;
        private final int keepAtMost;
        private ByteArrayOutputStream kept = new ByteArrayOutputStream(256);

        Digesting(int keepAtMost) {
            this.keepAtMost = keepAtMost;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
            keep(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
            keep(b, off, len);
        }

        private void keep(byte[] b, int off, int len) {
            if (kept != null) {
                if (kept.size() + len > keepAtMost) {
                    kept = null;   // too large to keep: the body is written again into the response
                } else {
                    kept.write(b, off, len);
                }
            }
        }

        /** The bytes written, or null when they outgrew {@code keepAtMost}. */
        byte[] kept() {
            return kept == null ? null : kept.toByteArray();
        }

        /** The strong tag of what was written. */
        String etag() {
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest.digest(), 16)) + "\"";
        }
    }
}

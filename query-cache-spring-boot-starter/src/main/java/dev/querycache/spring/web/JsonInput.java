package dev.querycache.spring.web;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a small JSON request body defensively: a size limit (413), a nesting limit and well-formedness
 * (400). Failures become {@link BadInput}, which {@link #error} turns into a one-line JSON error.
 */
final class JsonInput {

    static final int MAX_DEPTH = 32;

    /** A client error with its status; the message is safe to show. */
    static final class BadInput extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final HttpStatus status;

        BadInput(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final JsonMapper mapper;
    private final int maxBytes;

    JsonInput(JsonMapper mapper, int maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /**
     * The body as a JSON object, or a {@link BadInput} error. Checks first that the request could not
     * have come from a page of another site ({@link SameOriginGuard}: 415 or 403).
     */
    Mono<JsonNode> object(ServerRequest request) {
        try {
            SameOriginGuard.check(request);
        } catch (BadInput refused) {
            return Mono.error(refused);
        }
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(request.exchange().getRequest().getBody(), maxBytes)
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .map(buffer -> {
                    String text = buffer.toString(StandardCharsets.UTF_8);
                    DataBufferUtils.release(buffer);
                    return parse(text);
                })
                .switchIfEmpty(Mono.error(() -> new BadInput(HttpStatus.BAD_REQUEST, "request body is empty")));
    }

    private BadInput tooLarge() {
        return new BadInput(HttpStatus.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBytes + " bytes");
    }

    private JsonNode parse(String text) {
        JsonNode node = tree(text);
        if (node == null || !node.isObject()) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "request body must be a JSON object");
        }
        return node;
    }

    /**
     * A JSON value given as text outside a body (a query parameter), with the body's limits: at most the
     * body size, nested at most {@value #MAX_DEPTH} levels; {@code null} text is JSON {@code null}.
     *
     * @throws BadInput 400 naming what was wrong
     */
    JsonNode value(String name, String text) {
        if (text == null) {
            return null;
        }
        if (text.length() > maxBytes) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "\"" + name + "\" is longer than " + maxBytes + " characters");
        }
        return tree(text);
    }

    private JsonNode tree(String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JacksonException e) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "malformed JSON");
        }
        if (node != null && depth(node, 0) > MAX_DEPTH) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "JSON is nested deeper than " + MAX_DEPTH + " levels");
        }
        return node;
    }

    private static int depth(JsonNode node, int level) {
        if (level > MAX_DEPTH) {
            return level;
        }
        int max = level;
        for (JsonNode child : node.values()) {
            max = Math.max(max, depth(child, level + 1));
        }
        return max;
    }

    /**
     * {@code node} as the endpoint's arg type. A missing or null arg is only accepted for a no-arg
     * endpoint (arg type {@code Void}); scalars are never coerced ({@code 5} or {@code true} is no
     * {@code String}, {@code 1.5} no {@code Integer}).
     *
     * @throws BadInput 400 naming the expected type when it does not convert
     */
    Object arg(JsonNode node, java.lang.reflect.Type type) {
        if (node == null || node.isNull()) {
            if (type == Void.class) {
                return null;
            }
            throw new BadInput(HttpStatus.BAD_REQUEST, "\"arg\" is required: a " + simpleName(type));
        }
        if (type == Void.class) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "\"arg\" must be null or absent: the endpoint takes no arg");
        }
        if (!StrictShape.matches(node, type)) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "\"arg\" does not convert to " + type.getTypeName());
        }
        try {
            return mapper.convertValue(node, mapper.getTypeFactory().constructType(type));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new BadInput(HttpStatus.BAD_REQUEST, "\"arg\" does not convert to " + type.getTypeName());
        }
    }

    private static String simpleName(java.lang.reflect.Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
    }

    /** A one-line JSON error response: {@code {"error":"..."}}. */
    /** Whether {@code type} is JSON: {@code application/json} or {@code application/*+json}. */
    static boolean isJson(MediaType type) {
        return MediaType.APPLICATION_JSON.isCompatibleWith(type)
                || "application".equals(type.getType()) && type.getSubtype().endsWith("+json");
    }

    static Mono<ServerResponse> error(HttpStatus status, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("error", message));
    }

    /** Maps a {@link BadInput} to its response; anything else to a generic 400 without details. */
    static Mono<ServerResponse> handle(Throwable t) {
        if (t instanceof BadInput b) {
            return error(b.status, b.getMessage());
        }
        return error(HttpStatus.BAD_REQUEST, "bad request");
    }
}

package dev.querycache.spring;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * What an errored entry keeps of a WebClient response error: a new exception of the same status subclass,
 * with the same message (status and request line), status text, response headers and body, but with a
 * request that is only its method, URI and headers. The original holds the live request of the
 * connection it came on (some 14 KB per error, measured by {@code EntryHeap}); callers of
 * {@code QueryState.error()} need none of it. Stateless.
 */
final class WebClientErrors {

    private WebClientErrors() {
    }

    static Throwable compact(Throwable error) {
        if (!(error instanceof WebClientResponseException w) || w.getRequest() instanceof RequestLine) {
            return error;
        }
        HttpRequest request = w.getRequest();
        RequestLine line = request == null ? null
                : new RequestLine(request.getMethod(), request.getURI(), HttpHeaders.copyOf(request.getHeaders()));
        WebClientResponseException copy = WebClientResponseException.create(w.getStatusCode(), w.getStatusText(),
                HttpHeaders.copyOf(w.getHeaders()), w.getResponseBodyAsByteArray(), null, line);
        copy.setStackTrace(w.getStackTrace());
        return copy;
    }

    /** The request a kept error names: method, URI and headers, nothing of the connection. */
    private record RequestLine(HttpMethod method, URI uri, HttpHeaders headers) implements HttpRequest {

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Map.of();
        }
    }
}

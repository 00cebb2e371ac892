package dev.querycache.spring.web;

import dev.querycache.spring.web.JsonInput.BadInput;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Refuses a state-changing request (a POST of prefetch, preload or devtools) that a page of another site
 * could have sent. Browsers send a cross-origin "simple" request (form content types, no preflight) with
 * cookies, so: the body must be declared {@code application/json} (415 otherwise), which no form and no
 * simple request can send; and when the browser says where the request comes from ({@code
 * Sec-Fetch-Site}, {@code Origin}), it must be this very origin (403 otherwise; another port of the same
 * host is another origin). Requests without those headers (curl, server-to-server) pass. A malformed
 * {@code Content-Type} ({@code x}, {@code ;;;/}, an unknown charset) is 415 too. Stateless.
 */
final class SameOriginGuard {

    private SameOriginGuard() {
    }

    /** @throws BadInput 415 or 403 when the request must be refused */
    static void check(ServerRequest request) {
        MediaType type;
        try {
            type = request.headers().contentType().orElse(null);
        } catch (IllegalArgumentException malformed) {   // InvalidMediaTypeException, an unsupported charset
            // "x", ";;;/", an unknown charset: refused like any other type, without a stack trace
            throw new BadInput(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type is malformed: it must be application/json");
        }
        if (type == null || !JsonInput.isJson(type)) {
            throw new BadInput(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        String site = request.headers().firstHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new BadInput(HttpStatus.FORBIDDEN, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
        }
        String origin = request.headers().firstHeader(HttpHeaders.ORIGIN);
        if (origin != null && !origin.equals(originOf(request.exchange().getRequest().getURI()))) {
            throw new BadInput(HttpStatus.FORBIDDEN, "cross-origin request refused");
        }
    }

    /** scheme://host[:port], as a browser writes the Origin header (no default port). */
    static String originOf(URI uri) {
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}

package dev.querycache.spring.web;

import java.util.List;

/** {@code If-None-Match} matching for the strong entity tags of JSON bodies ({@link JsonBody}) (RFC 9110 §13.1.2). Stateless. */
final class ETags {

    private ETags() {
    }

    /**
     * Whether {@code ifNoneMatch} (the header's values, each possibly a comma-separated list) names {@code etag}
     * or is {@code *}. The weak comparison RFC 9110 prescribes for If-None-Match: {@code W/"x"} matches {@code "x"}.
     */
    static boolean matches(List<String> ifNoneMatch, String etag) {
        for (String header : ifNoneMatch) {
            for (String candidate : header.split(",")) {
                String c = candidate.strip();
                if (c.equals("*") || c.equals(etag) || c.startsWith("W/") && c.substring(2).equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }
}

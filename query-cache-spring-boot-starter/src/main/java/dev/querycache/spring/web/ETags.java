package dev.querycache.spring.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** Strong entity tags for JSON bodies, and {@code If-None-Match} matching (RFC 9110 §13.1.2). Stateless. */
final class ETags {

    private ETags() {
    }

    /** {@code "<base64url of the first 16 bytes of SHA-256(body)>"}: equal bodies, equal tags. */
    static String strong(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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

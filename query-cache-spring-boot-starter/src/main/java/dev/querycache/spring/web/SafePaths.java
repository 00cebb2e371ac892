package dev.querycache.spring.web;

import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UriUtils;

/**
 * What a path from a client may be before query-cache hands it, or a variable of it, to a route preload:
 * checked after percent-decoding, so {@code %2e%2e}, {@code %00} or {@code %0d%0a} are no way around it.
 * Used by HTTP preload and by {@link RoutePreloads}. Stateless.
 */
final class SafePaths {

    private static final int MAX_PATH = 2048;

    private SafePaths() {
    }

    /**
     * "/a/b": starts with one slash, no scheme or host, no query, fragment or control chars, and no segment
     * that is (or decodes to) "." or "..", or decodes to a control char, a slash or a backslash
     * ({@code %2e%2e}, {@code %00}, {@code %0d%0a}, {@code %2f}); malformed escapes are refused too.
     */
    static boolean isPlainAbsolutePath(String path) {
        if (path.isEmpty() || path.length() > MAX_PATH || path.charAt(0) != '/' || path.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == '?' || c == '#' || Character.isWhitespace(c)) {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (!isSafeSegment(segment)) {
                return false;
            }
        }
        return true;
    }

    /** A path segment (or a path variable) that decodes to no "." / "..", control char, slash or backslash. */
    static boolean isSafeSegment(String raw) {
        String decoded;
        try {
            decoded = UriUtils.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return isSafeValue(decoded);
    }

    /** A decoded value that is no "." / "..", and holds no control char, slash or backslash. */
    static boolean isSafeValue(String decoded) {
        if (decoded.equals(".") || decoded.equals("..")) {
            return false;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

}

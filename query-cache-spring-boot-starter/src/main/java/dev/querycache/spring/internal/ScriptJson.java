package dev.querycache.spring.internal;

/**
 * JSON made safe inside an HTML {@code <script>} element and as a JavaScript literal: {@code <}, {@code >},
 * {@code &}, U+2028 and U+2029 become {@code \\u} escapes, so no data can close the element, open a
 * comment or end a JavaScript line. Stateless.
 */
public final class ScriptJson {

    private ScriptJson() {
    }

    public static String escape(String json) {
        StringBuilder sb = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            String replacement = switch (c) {
                case '<' -> "\\u003c";
                case '>' -> "\\u003e";
                case '&' -> "\\u0026";
                case '\u2028' -> "\\u2028";
                case '\u2029' -> "\\u2029";
                default -> null;
            };
            if (replacement != null && sb == null) {
                sb = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? json : sb.toString();
    }
}

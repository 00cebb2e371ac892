package dev.querycache.spring.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * JSON text exactly as JavaScript's {@code JSON.stringify} writes a value with every object's keys sorted:
 * what TanStack Query's default {@code hashKey} and RTK Query's {@code defaultSerializeQueryArgs} compute.
 * Numbers as JavaScript prints them for integral values and plain decimals, strings with JSON.stringify's
 * escapes (short forms, lower-case {@code \\u00xx} for other control characters, lone surrogates escaped).
 * Stateless.
 */
public final class StableJson {

    private StableJson() {
    }

    public static String stringify(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey(StableJson::jsKeyOrder));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> f : fields) {
                out.append(first ? "" : ",");
                first = false;
                string(f.getKey(), out);
                out.append(':');
                write(f.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.asString(), out);
        } else if (node.isBoolean()) {
            out.append(node.asBoolean());
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            double d = node.asDouble();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e21) {
                out.append(new java.math.BigDecimal(d).toBigInteger());
            } else {
                out.append(node.decimalValue().stripTrailingZeros().toPlainString());
            }
        } else {
            string(node.asString(), out);
        }
    }

    /**
     * The order JSON.stringify writes the keys of an object built in sorted order: integer-like keys
     * (array indices) first, ascending by value, as JavaScript enumerates them; then the others by UTF-16
     * code units ({@code Array.prototype.sort}'s order, which is Java's String order).
     */
    private static int jsKeyOrder(String a, String b) {
        long ia = arrayIndex(a);
        long ib = arrayIndex(b);
        if (ia >= 0 || ib >= 0) {
            return ia >= 0 && ib >= 0 ? Long.compare(ia, ib) : ia >= 0 ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static long arrayIndex(String key) {
        if (key.isEmpty() || key.length() > 10 || (key.length() > 1 && key.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return -1;
            }
        }
        long value = Long.parseLong(key);
        return value < 4_294_967_295L ? value : -1;
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean loneSurrogate = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || loneSurrogate) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

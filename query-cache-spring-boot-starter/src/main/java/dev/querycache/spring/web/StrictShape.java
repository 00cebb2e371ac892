package dev.querycache.spring.web;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import tools.jackson.databind.JsonNode;

/**
 * Whether a JSON value has the shape of a Java type without coercion: a string for {@code String} and
 * enums, a whole number in range for integral types, a number for floating types, a boolean for
 * {@code Boolean}; records field by field, collections element by element. Types it does not know pass
 * (Jackson then decides). Stateless.
 */
final class StrictShape {

    private StrictShape() {
    }

    static boolean matches(JsonNode node, Type type) {
        if (node == null || node.isNull()) {
            return !(type instanceof Class<?> c && c.isPrimitive());
        }
        Class<?> raw = raw(type);
        if (raw == null || raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
            return true;
        }
        if (raw == String.class || raw == Character.class || raw == char.class || raw.isEnum()) {
            return node.isString();
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return node.isBoolean();
        }
        if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class
                || raw == Byte.class || raw == byte.class) {
            return node.isIntegralNumber() && node.canConvertToInt() && fits(node.asInt(), raw);
        }
        if (raw == Long.class || raw == long.class) {
            return node.isIntegralNumber() && node.canConvertToLong();
        }
        if (raw == BigInteger.class) {
            return node.isIntegralNumber();
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class
                || raw == BigDecimal.class) {
            return node.isNumber();
        }
        if (raw.isRecord()) {
            if (!node.isObject()) {
                return false;
            }
            for (RecordComponent rc : raw.getRecordComponents()) {
                if (!matches(node.get(rc.getName()), rc.getGenericType())) {
                    return false;
                }
            }
            return true;
        }
        if (Collection.class.isAssignableFrom(raw)) {
            if (!node.isArray()) {
                return false;
            }
            Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            for (JsonNode child : node.values()) {
                if (!matches(child, element)) {
                    return false;
                }
            }
            return true;
        }
        return true;
    }

    private static boolean fits(int value, Class<?> raw) {
        if (raw == Short.class || raw == short.class) {
            return value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
        }
        if (raw == Byte.class || raw == byte.class) {
            return value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
        }
        return true;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }
}

package dev.querycache.spring;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Fails startup on a {@code query-cache.*} key that binds to nothing (a typo such as
 * {@code endpoints.x.stale-tme} or {@code devtool.enabled} would otherwise be ignored), naming the key
 * and the nearest valid one. The valid keys are read off {@link QueryCacheProperties} itself, so they
 * never drift from what binds. Keys under {@code endpoints} are {@code endpoints.<name>.<option>}; an
 * endpoint name with dots must be written in brackets ({@code endpoints.[outer.Inner].stale-time}), and
 * a dotted key that spells such a name without brackets is refused with that advice. Used once, at startup.
 */
final class UnknownPropertyCheck {

    private static final String ROOT = "query-cache";

    /**
     * A leaf property (ends the key), a nested group, or the map of endpoints; children by uniform name
     * (lowercase, no dashes, as keys compare), with each child's dashed name for messages.
     */
    private record Node(Map<String, Node> children, Map<String, String> dashed, boolean leaf, boolean endpointMap) {
        static final Node LEAF = new Node(Map.of(), Map.of(), true, false);
        static final Node ENDPOINT_MAP = new Node(Map.of(), Map.of(), false, true);
    }

    private UnknownPropertyCheck() {
    }

    static void check(Environment environment, Collection<String> endpointNames) {
        Node root = tree(QueryCacheProperties.class);
        Node endpoint = tree(QueryCacheProperties.EndpointProperties.class);
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(ROOT);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(prefix::isAncestorOf).forEach(name -> {
                try {
                    check(name, root, endpoint, endpointNames);
                } catch (QueryCacheConfigurationException e) {
                    throw asWritten(e, name, iterable);
                }
            });
        }
    }

    /** The failure with the property named as the user wrote it ({@code maximumSize2}, not {@code maximumsize2}). */
    private static QueryCacheConfigurationException asWritten(QueryCacheConfigurationException e, ConfigurationPropertyName name,
                                                              ConfigurationPropertySource source) {
        String written = null;
        var property = source.getConfigurationProperty(name);
        for (org.springframework.boot.origin.Origin o = property == null ? null : property.getOrigin(); o != null;
                o = o.getParent()) {
            if (o instanceof org.springframework.boot.origin.PropertySourceOrigin p) {
                written = p.getPropertyName();
                break;
            }
        }
        String canonical = name.toString();
        if (written == null || written.equals(canonical) || written.indexOf('.') < 0) {
            return e;   // an environment variable (QUERY_CACHE_...) or the same spelling: the canonical name reads best
        }
        return new QueryCacheConfigurationException(e.getMessage().replace("'" + canonical + "'", "'" + written + "'"),
                e.getAction().replace("'" + canonical + "'", "'" + written + "'"), e.getCause());
    }

    private static void check(ConfigurationPropertyName name, Node root, Node endpoint, Collection<String> endpoints) {
        Node node = root;
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            if (node.leaf()) {
                return;   // list elements ([0]) and the like below a leaf
            }
            if (node.endpointMap()) {
                checkEndpointKey(name, i, endpoint, endpoints);
                return;
            }
            Node next = node.children().get(name.getElement(i, Form.UNIFORM));
            if (next == null) {
                throw unknown(name, nearest(name.toString(), names(root, endpoint, endpoints)));
            }
            node = next;
        }
    }

    /** {@code endpoints.<name>.<option>}: the endpoint itself is checked by name later; the option here. */
    private static void checkEndpointKey(ConfigurationPropertyName name, int at, Node endpoint, Collection<String> endpoints) {
        if (name.getElement(at, Form.ORIGINAL).contains(".")) {   // written in brackets: [outer.Inner]
            checkOption(name, at + 1, endpoint, endpoints);
            return;
        }
        // a dotted endpoint name written without brackets
        for (String e : endpoints) {
            if (!e.contains(".")) {
                continue;
            }
            String[] parts = e.split("\\.");
            if (at + parts.length <= name.getNumberOfElements() && matches(name, at, parts)) {
                throw new QueryCacheConfigurationException("Property '" + name + "' does not reach the endpoint '" + e
                        + "': its name has dots, so without brackets the key is read as nested names.",
                        "Write the endpoint name in brackets: '" + ROOT + ".endpoints.[" + e + "]."
                                + rest(name, at + parts.length) + "' (in YAML: \"[" + e + "]\":), or give the endpoint "
                                + "a name without dots with the annotation's 'name' attribute.");
            }
        }
        checkOption(name, at + 1, endpoint, endpoints);
    }

    private static void checkOption(ConfigurationPropertyName name, int at, Node endpoint, Collection<String> endpoints) {
        if (at >= name.getNumberOfElements()) {
            return;
        }
        Node option = endpoint.children().get(name.getElement(at, Form.UNIFORM));
        if (option == null) {
            String nearest = nearest(name.getElement(at, Form.DASHED), List.copyOf(endpoint.dashed().values()));
            throw unknown(name, ROOT + ".endpoints." + name.getElement(at - 1, Form.ORIGINAL) + "." + nearest);
        }
    }

    private static boolean matches(ConfigurationPropertyName name, int at, String[] parts) {
        for (int j = 0; j < parts.length; j++) {
            if (!name.getElement(at + j, Form.UNIFORM).equals(parts[j].toLowerCase(Locale.ROOT).replace("-", ""))) {
                return false;
            }
        }
        return true;
    }

    private static String rest(ConfigurationPropertyName name, int from) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < name.getNumberOfElements(); i++) {
            out.add(name.getElement(i, Form.DASHED));
        }
        return String.join(".", out);
    }

    private static QueryCacheConfigurationException unknown(ConfigurationPropertyName name, String nearest) {
        return new QueryCacheConfigurationException("Property '" + name + "' is not a query-cache property"
                + (nearest != null ? "; did you mean '" + nearest + "'?" : "."),
                "Correct or remove '" + name + "'. The properties are listed in the README (section Properties) and in "
                        + "your IDE's completion.");
    }

    // ------------------------------------------------------------------------------------ the valid names

    private static Node tree(Class<?> type) {
        Map<String, Node> children = new java.util.LinkedHashMap<>();
        Map<String, String> dashed = new java.util.LinkedHashMap<>();
        for (Method m : type.getMethods()) {
            String property = property(m);
            if (property == null) {
                continue;
            }
            Class<?> t = m.getReturnType();
            Node child = Map.class.isAssignableFrom(t) ? Node.ENDPOINT_MAP : isLeaf(t) ? Node.LEAF : tree(t);
            children.put(uniform(property), child);
            dashed.put(uniform(property), dashed(property));
        }
        return new Node(children, dashed, false, false);
    }

    private static String property(Method m) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
            return null;
        }
        String n = m.getName();
        if (n.startsWith("get") && n.length() > 3) {
            return Introspector.decapitalize(n.substring(3));
        }
        if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class)) {
            return Introspector.decapitalize(n.substring(2));
        }
        return null;
    }

    private static boolean isLeaf(Class<?> t) {
        return t.isPrimitive() || t.isEnum() || t == String.class || Number.class.isAssignableFrom(t) || t == Boolean.class
                || t == Duration.class || t == DataSize.class || Collection.class.isAssignableFrom(t)
                || t.getName().startsWith("java.");
    }

    private static String uniform(String camel) {
        return camel.toLowerCase(Locale.ROOT);
    }

    private static String dashed(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Every valid key, dashed, for "did you mean". */
    private static List<String> names(Node root, Node endpoint, Collection<String> endpoints) {
        List<String> out = new ArrayList<>();
        collect(root, ROOT, endpoint, endpoints, out);
        return out;
    }

    private static void collect(Node node, String path, Node endpoint, Collection<String> endpoints, List<String> out) {
        node.children().forEach((k, child) -> {
            String p = path + "." + node.dashed().get(k);
            if (child.leaf()) {
                out.add(p);
            } else if (child.endpointMap()) {
                Set<String> names = new LinkedHashSet<>(endpoints.isEmpty() ? List.of("<name>") : endpoints);
                for (String e : names) {
                    for (String option : endpoint.children().keySet()) {
                        out.add(p + "." + (e.contains(".") ? "[" + e + "]" : e) + "." + endpoint.dashed().get(option));
                    }
                }
            } else {
                collect(child, p, endpoint, endpoints, out);
            }
        });
    }

    private static String nearest(String wrong, List<String> valid) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String v : valid) {
            int d = distance(wrong, v);
            if (d < bestDistance) {
                bestDistance = d;
                best = v;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

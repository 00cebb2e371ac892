package dev.querycache.spring;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.InvalidEndpointOptionException;
import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Builds the auto-configured {@link QueryClient} from the annotated endpoint beans, the properties and
 * the customizers, and turns every configuration mistake into a {@link QueryCacheConfigurationException}
 * that names the bean and the property or attribute. Used once, at startup.
 */
final class QueryClientFactory {

    private static final String PREFIX = "query-cache.";

    private final ListableBeanFactory beans;
    private final QueryCacheProperties properties;
    private final org.springframework.core.env.Environment environment;

    QueryClientFactory(ListableBeanFactory beans, QueryCacheProperties properties) {
        this(beans, properties, null);
    }

    QueryClientFactory(ListableBeanFactory beans, QueryCacheProperties properties,
                       org.springframework.core.env.Environment environment) {
        this.beans = beans;
        this.properties = properties;
        this.environment = environment;
    }

    /** A registered endpoint bean: its endpoint name, bean name and object. */
    private record EndpointBean(String name, String beanName, Object fetcher, boolean infinite) {
    }

    QueryClient create(List<QueryClientCustomizer> customizers) {
        List<EndpointBean> endpoints = endpointBeans();
        if (environment != null) {
            UnknownPropertyCheck.check(environment, endpoints.stream().map(EndpointBean::name).toList());
        }
        checkNames(endpoints);

        QueryClient.Builder builder = QueryClient.builder()
                .maximumSize(properties.getMaximumSize())
                .defaults(properties.getDefaults().toOptions());
        for (EndpointBean e : endpoints) {
            QueryCacheProperties.EndpointProperties p = properties.getEndpoints().get(e.name());
            var options = p != null ? p.toOptions() : dev.querycache.EndpointOptions.none();
            if (e.infinite()) {
                builder.infiniteEndpoint(e.name(), (InfiniteQueryFetcher<?, ?, ?>) e.fetcher(), options);
            } else {
                builder.endpoint(e.name(), (QueryFetcher<?, ?>) e.fetcher(), options);
            }
        }
        customizers.forEach(c -> c.customize(builder));
        try {
            return builder.build();
        } catch (InvalidEndpointOptionException ex) {
            throw attribute(ex, endpoints);
        } catch (IllegalArgumentException ex) {
            throw new QueryCacheConfigurationException("query-cache could not build its client: " + ex.getMessage()
                    + describeSource(endpoints, ex.getMessage()),
                    "Fix the annotation attribute or the " + PREFIX + "endpoints.<name>.* / " + PREFIX
                            + "defaults.* property named above.", ex);
        }
    }

    private List<EndpointBean> endpointBeans() {
        Map<String, EndpointBean> found = new LinkedHashMap<>();
        for (String beanName : beans.getBeanNamesForAnnotation(QueryEndpoint.class)) {
            found.put(beanName, endpointBean(beanName, false));
        }
        for (String beanName : beans.getBeanNamesForAnnotation(InfiniteQueryEndpoint.class)) {
            if (found.containsKey(beanName)) {
                throw new QueryCacheConfigurationException("Bean '" + beanName + "' is annotated both @QueryEndpoint and "
                        + "@InfiniteQueryEndpoint.", "Keep the annotation that matches the fetcher interface it implements.");
            }
            found.put(beanName, endpointBean(beanName, true));
        }
        return new ArrayList<>(found.values());
    }

    private EndpointBean endpointBean(String beanName, boolean infinite) {
        Class<?> type = beans.getType(beanName);
        Class<?> required = infinite ? InfiniteQueryFetcher.class : QueryFetcher.class;
        String annotation = infinite ? "@InfiniteQueryEndpoint" : "@QueryEndpoint";
        if (type == null || !required.isAssignableFrom(type)) {
            throw new QueryCacheConfigurationException("Bean '" + beanName + "' (" + (type == null ? "unknown type" : type.getName())
                    + ") is annotated " + annotation + " but does not implement " + required.getName() + ".",
                    "Implement " + required.getSimpleName() + " in bean '" + beanName + "', or remove " + annotation + ".");
        }
        String name = infinite
                ? AnnotationUtils.findAnnotation(type, InfiniteQueryEndpoint.class).name()
                : AnnotationUtils.findAnnotation(type, QueryEndpoint.class).name();
        return new EndpointBean(name.isEmpty() ? beanName : name, beanName, beans.getBean(beanName), infinite);
    }

    private void checkNames(List<EndpointBean> endpoints) {
        Map<String, EndpointBean> byName = new LinkedHashMap<>();
        for (EndpointBean e : endpoints) {
            EndpointBean other = byName.putIfAbsent(e.name(), e);
            if (other != null) {
                throw new QueryCacheConfigurationException("Beans '" + other.beanName() + "' and '" + e.beanName()
                        + "' both define the query endpoint '" + e.name() + "'.",
                        "Give one of them another name with the annotation's 'name' attribute.");
            }
        }
        Set<String> unknown = new LinkedHashSet<>(properties.getEndpoints().keySet());
        unknown.removeAll(byName.keySet());
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            Class<?> notABean = annotatedClassNamed(key);
            if (notABean != null) {
                String annotation = notABean.isAnnotationPresent(InfiniteQueryEndpoint.class)
                        ? "@InfiniteQueryEndpoint" : "@QueryEndpoint";
                throw new QueryCacheConfigurationException("Property '" + PREFIX + "endpoints." + key + "' names the endpoint of "
                        + notABean.getName() + ", a class annotated " + annotation + " that is not a bean, so query-cache "
                        + "never saw it. Known endpoints: " + byName.keySet() + ".",
                        "Make " + notABean.getSimpleName() + " a bean: annotate it @Component (in a package your "
                                + "application scans), or return it from a @Bean method.");
            }
            throw new QueryCacheConfigurationException("Property '" + PREFIX + "endpoints." + key
                    + "' names no query endpoint. Known endpoints: " + byName.keySet() + ".",
                    "Correct the endpoint name in '" + PREFIX + "endpoints." + key + "' or remove it.");
        }
    }

    /**
     * A class annotated {@code @QueryEndpoint} or {@code @InfiniteQueryEndpoint} under the application's packages
     * whose endpoint would be called {@code name}, though it is no bean; null when there is none. Runs only on
     * the way to a startup failure, so the classpath scan costs nothing otherwise.
     */
    private Class<?> annotatedClassNamed(String name) {
        org.springframework.beans.factory.BeanFactory factory = beans;
        if (!org.springframework.boot.autoconfigure.AutoConfigurationPackages.has(factory)) {
            return null;
        }
        var scanner = new org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new org.springframework.core.type.filter.AnnotationTypeFilter(QueryEndpoint.class));
        scanner.addIncludeFilter(new org.springframework.core.type.filter.AnnotationTypeFilter(InfiniteQueryEndpoint.class));
        for (String pkg : org.springframework.boot.autoconfigure.AutoConfigurationPackages.get(factory)) {
            for (var candidate : scanner.findCandidateComponents(pkg)) {
                try {
                    Class<?> type = org.springframework.util.ClassUtils.forName(candidate.getBeanClassName(),
                            org.springframework.util.ClassUtils.getDefaultClassLoader());
                    QueryEndpoint plain = type.getAnnotation(QueryEndpoint.class);
                    InfiniteQueryEndpoint infinite = type.getAnnotation(InfiniteQueryEndpoint.class);
                    String declared = plain != null ? plain.name() : infinite != null ? infinite.name() : "";
                    String implicit = java.beans.Introspector.decapitalize(type.getSimpleName());
                    if (name.equals(declared) || declared.isEmpty() && name.equals(implicit)) {
                        return type;
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not loadable here: not the class the user means
                }
            }
        }
        return null;
    }

    /**
     * Points an invalid option at where it was written: the {@code endpoints.<name>.*} or {@code defaults.*}
     * property, or the bean's annotation attribute.
     */
    private RuntimeException attribute(InvalidEndpointOptionException ex, List<EndpointBean> endpoints) {
        String property = OptionProperties.propertyName(ex.option());
        return switch (ex.source()) {
            case DEFAULTS -> invalidProperty("defaults." + property, ex);
            case OPTIONS -> properties.getEndpoints().containsKey(ex.endpoint())
                    ? invalidProperty("endpoints." + ex.endpoint() + "." + property, ex)
                    : new QueryCacheConfigurationException("query-cache could not build its client: " + ex.getMessage()
                            + ".", "Fix the option in the QueryClientCustomizer that registers endpoint '" + ex.endpoint() + "'.", ex);
            case ANNOTATION -> new QueryCacheConfigurationException("query-cache could not build its client: " + ex.getMessage()
                    + describeSource(endpoints, ex.endpoint()) + ".",
                    "Fix the attribute '" + ex.option() + "' of the annotation on that bean, or override it with '"
                            + PREFIX + "endpoints." + ex.endpoint() + "." + property + "'.", ex);
        };
    }

    private static QueryCacheConfigurationException invalidProperty(String property, InvalidEndpointOptionException ex) {
        return new QueryCacheConfigurationException("Property '" + PREFIX + property + "' has an invalid value: "
                + ex.getMessage().substring(ex.getMessage().indexOf(" = ") + 3) + ".",
                "Set '" + PREFIX + property + "' to a valid value.", ex);
    }

    /** Names the bean whose endpoint the core's message is about. */
    private static String describeSource(List<EndpointBean> endpoints, String message) {
        for (EndpointBean e : endpoints) {
            if (message != null && (message.equals(e.name()) || message.contains("'" + e.name() + "'"))) {
                return " (bean '" + e.beanName() + "', " + e.fetcher().getClass().getName() + ")";
            }
        }
        return "";
    }
}

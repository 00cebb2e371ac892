package dev.querycache.spring;

import dev.querycache.EndpointOptions;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

/**
 * Maps {@link QueryCacheProperties.EndpointProperties} onto {@link EndpointOptions.Builder} by name: property
 * {@code staleTime} calls builder method {@code staleTime(..)}. Also gives the property name of a core option
 * name, for error messages. Stateless; used at startup.
 */
final class OptionProperties {

    private OptionProperties() {
    }

    static EndpointOptions toOptions(QueryCacheProperties.EndpointProperties properties) {
        EndpointOptions.Builder builder = EndpointOptions.builder();
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(QueryCacheProperties.EndpointProperties.class)) {
            Method getter = property.getReadMethod();
            if (getter == null || property.getWriteMethod() == null) {
                continue;
            }
            try {
                Object value = getter.invoke(properties);
                if (value != null) {
                    builderMethod(property).invoke(builder, value);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot map property '" + property.getName() + "' to an endpoint option", e);
            }
        }
        return builder.build();
    }

    private static Method builderMethod(PropertyDescriptor property) throws NoSuchMethodException {
        Class<?> type = property.getPropertyType();
        for (Method m : EndpointOptions.Builder.class.getMethods()) {
            if (m.getName().equals(property.getName()) && m.getParameterCount() == 1
                    && ClassUtils.resolvePrimitiveIfNecessary(m.getParameterTypes()[0]).equals(type)) {
                return m;
            }
        }
        throw new NoSuchMethodException("EndpointOptions.Builder." + property.getName() + "(" + type.getSimpleName() + ")");
    }

    /** The kebab-case property name of a core option name: {@code keepUnusedDataFor} → {@code keep-unused-data-for}. */
    static String propertyName(String option) {
        return option.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}

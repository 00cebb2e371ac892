package dev.querycache.spring.aot;

import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.InvalidatesTags;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * At build time (Spring AOT), registers what the starter reads reflectively from the application's own beans:
 * each endpoint bean's class (its declared generic types are read at startup) and, for JSON binding (page
 * state, persistence, shared copies, {@code /q}), its arg, result and page-param types; and the parameter
 * types of {@link InvalidatesTags} methods, whose SpEL reads them. Registered through
 * {@code META-INF/spring/aot.factories}. Stateless.
 */
final class QueryEndpointTypesAotProcessor implements BeanFactoryInitializationAotProcessor {

    @Override
    public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
        Set<Class<?>> fetchers = new LinkedHashSet<>();
        Set<Type> bound = new LinkedHashSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(name, false);
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            if (QueryFetcher.class.isAssignableFrom(user) || InfiniteQueryFetcher.class.isAssignableFrom(user)) {
                fetchers.add(user);
                bound.addAll(typesOf(user));
            }
            ReflectionUtils.doWithMethods(user, m -> bound.addAll(java.util.List.of(m.getGenericParameterTypes())),
                    QueryEndpointTypesAotProcessor::invalidatesTags);
        }
        if (fetchers.isEmpty() && bound.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> register(generationContext.getRuntimeHints(), fetchers, bound);
    }

    /** Registers the hints for these fetcher classes and bound types (also what the tests check). */
    static void register(RuntimeHints hints, Set<Class<?>> fetchers, Set<Type> bound) {
        for (Class<?> fetcher : fetchers) {
            hints.reflection().registerType(fetcher, MemberCategory.INTROSPECT_PUBLIC_METHODS,
                    MemberCategory.INTROSPECT_DECLARED_METHODS);
        }
        BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
        for (Type t : bound) {
            if (t instanceof Class<?> c && (c.isPrimitive() || c.getName().startsWith("java."))) {
                continue;   // the JDK's own types need no binding hints
            }
            binding.registerReflectionHints(hints.reflection(), t);
        }
    }

    /** The arg, result (and page param) types a fetcher class declares. */
    static Set<Type> typesOf(Class<?> fetcher) {
        Set<Type> out = new LinkedHashSet<>();
        if (QueryFetcher.class.isAssignableFrom(fetcher)) {
            for (ResolvableType g : ResolvableType.forClass(fetcher).as(QueryFetcher.class).getGenerics()) {
                add(out, g);
            }
        }
        if (InfiniteQueryFetcher.class.isAssignableFrom(fetcher)) {
            for (ResolvableType g : ResolvableType.forClass(fetcher).as(InfiniteQueryFetcher.class).getGenerics()) {
                add(out, g);
            }
        }
        return out;
    }

    private static void add(Set<Type> out, ResolvableType t) {
        if (t.resolve() != null) {
            out.add(t.getType());
        }
    }

    private static boolean invalidatesTags(Method m) {
        return AnnotatedElementUtils.hasAnnotation(m, InvalidatesTags.class);
    }
}

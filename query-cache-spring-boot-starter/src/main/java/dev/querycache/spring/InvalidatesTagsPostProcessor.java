package dev.querycache.spring;

import dev.querycache.QueryClient;
import java.lang.reflect.Method;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Proxies beans that have {@link InvalidatesTags} methods, the way Spring's {@code @Async} support does.
 * The client is looked up lazily, at the first invocation, so that endpoint beans and services can be
 * created in any order.
 */
final class InvalidatesTagsPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private static final long serialVersionUID = 1L;

    /**
     * The classes whose {@link InvalidatesTags} methods were checked. WebFlux view resolvers initialize a new
     * view bean for every rendered page, so without it every page would walk its view's methods again.
     */
    private final transient java.util.Set<Class<?>> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();

    InvalidatesTagsPostProcessor(ObjectProvider<QueryClient> client) {
        StaticMethodMatcherPointcut pointcut = new StaticMethodMatcherPointcut() {
            @Override
            public boolean matches(Method method, Class<?> targetClass) {
                return hasAnnotation(method) || hasAnnotation(AopUtils.getMostSpecificMethod(method, targetClass));
            }
        };
        pointcut.setClassFilter(ClassFilter.TRUE);
        this.advisor = new DefaultPointcutAdvisor(pointcut, new InvalidatesTagsInterceptor(client));
        setBeforeExistingAdvisors(true);
    }

    /**
     * Checks every {@link InvalidatesTags} of the bean when it is created, so a typo fails startup; once per
     * class (what it checks is the class's own).
     */
    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        if (!checked.contains(type)) {
            org.springframework.util.ReflectionUtils.doWithMethods(type, m -> {
                if (hasAnnotation(m)) {
                    InvalidatesTagsInterceptor.validate(beanName, m);
                }
            });
            checked.add(type);
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    static boolean hasAnnotation(Method method) {
        return AnnotatedElementUtils.hasAnnotation(method, InvalidatesTags.class)
                || AnnotatedElementUtils.hasAnnotation(method, InvalidatesTags.List.class);
    }
}

package dev.querycache.spring;

import dev.querycache.QueryClient;
import dev.querycache.Tag;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Invalidates the tags of {@link InvalidatesTags} once the method has succeeded. Thread-safe. */
final class InvalidatesTagsInterceptor implements MethodInterceptor {

    private record TagSpec(String type, Expression id) {
    }

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final ObjectProvider<QueryClient> client;
    private final Map<Method, List<TagSpec>> specs = new ConcurrentHashMap<>();

    InvalidatesTagsInterceptor(ObjectProvider<QueryClient> client) {
        this.client = client;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Method method = target == null ? invocation.getMethod()
                : AopUtils.getMostSpecificMethod(invocation.getMethod(), target.getClass());
        List<TagSpec> tags = specs.computeIfAbsent(method, InvalidatesTagsInterceptor::parse);
        Object[] args = invocation.getArguments();
        Object result = invocation.proceed();
        Runnable invalidate = () -> client.getObject().invalidateTags(evaluate(tags, method, args));
        if (result instanceof Mono<?> mono) {
            return mono.doOnSuccess(v -> invalidate.run());
        }
        if (result instanceof Flux<?> flux) {
            return flux.doOnComplete(invalidate);
        }
        if (result instanceof CompletionStage<?> stage) {
            return stage.whenComplete((v, error) -> {
                if (error == null) {
                    invalidate.run();
                }
            });
        }
        invalidate.run();
        return result;
    }

    private static List<TagSpec> parse(Method method) {
        List<TagSpec> out = new ArrayList<>();
        for (InvalidatesTags a : AnnotatedElementUtils.findMergedRepeatableAnnotations(method, InvalidatesTags.class)) {
            if (a.type().isBlank()) {
                throw new IllegalStateException("@InvalidatesTags on " + method + " has no type");
            }
            out.add(new TagSpec(a.type(), a.id().isBlank() ? null : PARSER.parseExpression(a.id())));
        }
        return out;
    }

    private static List<Tag> evaluate(List<TagSpec> specs, Method method, Object[] args) {
        List<Tag> tags = new ArrayList<>(specs.size());
        for (TagSpec s : specs) {
            if (s.id() == null) {
                tags.add(Tag.of(s.type()));
                continue;
            }
            Object id = s.id().getValue(new MethodBasedEvaluationContext(null, method, args, NAMES));
            tags.add(id == null ? Tag.of(s.type()) : Tag.of(s.type(), id));
        }
        return tags;
    }
}

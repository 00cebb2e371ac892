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
    private static final org.apache.commons.logging.Log log =
            org.apache.commons.logging.LogFactory.getLog(InvalidatesTagsInterceptor.class);
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

    /**
     * The tags to invalidate. An id expression that evaluates to null invalidates nothing for that tag
     * (never the whole type: a type-wide invalidation is written without {@code id}) and logs a warning
     * naming the method.
     */
    private static List<Tag> evaluate(List<TagSpec> specs, Method method, Object[] args) {
        List<Tag> tags = new ArrayList<>(specs.size());
        for (TagSpec s : specs) {
            if (s.id() == null) {
                tags.add(Tag.of(s.type()));
                continue;
            }
            Object id = s.id().getValue(new MethodBasedEvaluationContext(null, method, args, NAMES));
            if (id == null) {
                log.warn("@InvalidatesTags(type = \"" + s.type() + "\", id = \"" + s.id().getExpressionString() + "\") on "
                        + method.getDeclaringClass().getName() + "." + method.getName() + " evaluated to null: nothing of type '"
                        + s.type() + "' was invalidated (write the annotation without id to invalidate the whole type)");
                continue;
            }
            tags.add(Tag.of(s.type(), id));
        }
        return tags;
    }

    /**
     * Checks the annotations of {@code method} when its bean is created: a type is given, every id
     * parses, and every {@code #variable} it reads is a parameter of the method ({@code #root},
     * {@code #this}, {@code #p0}/{@code #a0} allowed).
     *
     * @throws QueryCacheConfigurationException naming the bean, the method and the unknown name
     */
    static void validate(String beanName, Method method) {
        String[] params = NAMES.getParameterNames(method);
        for (InvalidatesTags a : AnnotatedElementUtils.findMergedRepeatableAnnotations(method, InvalidatesTags.class)) {
            String where = "@InvalidatesTags on " + method.getDeclaringClass().getName() + "." + method.getName()
                    + " (bean '" + beanName + "')";
            if (a.type().isBlank()) {
                throw new QueryCacheConfigurationException(where + " has no type.",
                        "Name the tag type: @InvalidatesTags(type = \"Pokemon\", id = \"#name\").");
            }
            if (a.id().isBlank()) {
                continue;
            }
            org.springframework.expression.Expression e;
            try {
                e = PARSER.parseExpression(a.id());
            } catch (org.springframework.expression.ParseException ex) {
                throw new QueryCacheConfigurationException(where + ": id \"" + a.id() + "\" does not parse: "
                        + ex.getMessage(), "Correct the SpEL expression of 'id'.");
            }
            if (!(e instanceof org.springframework.expression.spel.standard.SpelExpression spel)) {
                continue;
            }
            if (params == null) {
                // compiled without -parameters: a name would evaluate to null at run time and silently invalidate nothing
                for (String variable : variables(spel.getAST(), new ArrayList<>())) {
                    if (!variable.equals("root") && !variable.equals("this") && !variable.matches("[pa]\\d+")) {
                        throw new QueryCacheConfigurationException(where + ": id \"" + a.id() + "\" reads #" + variable
                                + " by name, but " + method.getDeclaringClass().getName() + " was compiled without "
                                + "parameter names, so #" + variable + " would always be null and nothing would be invalidated.",
                                "Compile with `-parameters` (Spring Boot's Maven and Gradle plugins do; with plain "
                                        + "maven-compiler-plugin set <parameters>true</parameters>, with Gradle "
                                        + "options.compilerArgs << '-parameters'), or use #p0 (the first parameter, #p1 the "
                                        + "second, ...).");
                    }
                }
                continue;
            }
            java.util.List<String> known = java.util.Arrays.asList(params);
            for (String variable : variables(spel.getAST(), new ArrayList<>())) {
                if (!known.contains(variable) && !variable.equals("root") && !variable.equals("this")
                        && !variable.matches("[pa]\\d+")) {
                    throw new QueryCacheConfigurationException(where + ": id \"" + a.id() + "\" reads #" + variable
                            + ", which is no parameter of the method; its parameters are " + known + ".",
                            "Refer to a parameter by its name, for example id = \"#" + (params.length > 0 ? params[0] : "name")
                                    + "\", or write the annotation without id to invalidate the whole type.");
                }
            }
        }
    }

    private static List<String> variables(org.springframework.expression.spel.SpelNode node, List<String> out) {
        if (node instanceof org.springframework.expression.spel.ast.VariableReference) {
            out.add(node.toStringAST().substring(1));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            variables(node.getChild(i), out);
        }
        return out;
    }
}

package dev.querycache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Invalidates query-cache tags after the annotated bean method has succeeded: right after a plain
 * (or {@code void}) method returns, when a returned {@code Mono} completes (with or without a value),
 * when a returned {@code Flux} completes, when a returned {@code CompletionStage} completes normally.
 * Nothing is invalidated when the method throws or the publisher/stage fails. Repeatable.
 *
 * <pre>{@code
 * @InvalidatesTags(type = "Pokemon", id = "#name")
 * @InvalidatesTags("Favourites")
 * public Mono<Void> favourite(String name) { ... }
 * }</pre>
 *
 * The {@code id} is a SpEL expression over the method's parameters by name ({@code #name},
 * {@code #request.id}); its value becomes the tag id. An expression that reads a variable which is no
 * parameter of the method fails startup, naming the bean and the method. An id that evaluates to
 * {@code null} at run time invalidates nothing for that tag and logs a warning naming the method; to
 * invalidate a whole type, write the annotation without {@code id}. Needs {@code -parameters}, which
 * Spring Boot's parent POM sets (without it, names are only checked at run time).
 *
 * <p>The annotation works through a Spring proxy, like {@code @Transactional} and {@code @Async}: only
 * calls that come through the bean reference invalidate; a call from another method of the same object
 * ({@code this.favourite(..)}) does not.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(InvalidatesTags.List.class)
public @interface InvalidatesTags {

    /** Alias for {@link #type()}. */
    @AliasFor("type")
    String value() default "";

    /** The tag type to invalidate. */
    @AliasFor("value")
    String type() default "";

    /** SpEL for the tag id over the parameters; {@code ""} invalidates the whole type. */
    String id() default "";

    /** Container of repeated {@link InvalidatesTags}. */
    @Documented
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @interface List {
        InvalidatesTags[] value();
    }
}

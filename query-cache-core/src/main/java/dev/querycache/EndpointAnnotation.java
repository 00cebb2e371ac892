package dev.querycache;

import java.util.LinkedHashSet;
import java.util.Set;

/** What a fetcher's {@link QueryEndpoint} or {@link InfiniteQueryEndpoint} annotation says. Immutable. */
record EndpointAnnotation(Class<?> annotatedClass, QueryEndpoint plain, InfiniteQueryEndpoint infinite,
                         Class<?> fetcherClass) {

    static EndpointAnnotation of(Object fetcher, boolean infinite) {
        Class<?> c = fetcher.getClass();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            QueryEndpoint p = k.getAnnotation(QueryEndpoint.class);
            InfiniteQueryEndpoint i = k.getAnnotation(InfiniteQueryEndpoint.class);
            if (p != null || i != null) {
                if (infinite && p != null && i == null) {
                    throw new IllegalArgumentException(k.getName() + " is annotated @QueryEndpoint but registered as an "
                            + "infinite endpoint; use @InfiniteQueryEndpoint");
                }
                if (!infinite && i != null && p == null) {
                    throw new IllegalArgumentException(k.getName() + " is annotated @InfiniteQueryEndpoint but registered "
                            + "as a plain endpoint; use @QueryEndpoint");
                }
                return new EndpointAnnotation(k, infinite ? null : p, infinite ? i : null, c);
            }
        }
        return new EndpointAnnotation(null, null, null, c);
    }

    String defaultName() {
        String n = annotatedClass != null && !annotatedName().isEmpty() ? annotatedName() : null;
        if (n != null) {
            return n;
        }
        Class<?> c = annotatedClass != null ? annotatedClass : fetcherClass;
        if (c.isAnonymousClass() || c.isSynthetic() || c.isHidden() || c.getSimpleName().isEmpty()) {
            throw new IllegalArgumentException("a lambda or anonymous fetcher (" + fetcherClass.getName()
                    + ") has no name: register it with endpoint(name, fetcher, options)");
        }
        String simple = c.getSimpleName();
        return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }

    private String annotatedName() {
        return plain != null ? plain.name() : infinite != null ? infinite.name() : "";
    }

    Set<Tag> staticTags() {
        String[] types = plain != null ? plain.tags() : infinite != null ? infinite.tags() : new String[0];
        Set<Tag> tags = new LinkedHashSet<>();
        for (String t : types) {
            tags.add(Tag.of(t));
        }
        return tags;
    }

    /**
     * The options the annotation writes, read generically: a duration attribute is a string ({@code ""} =
     * not written), any other a one-value array ({@code {}} = not written).
     *
     * @throws InvalidEndpointOptionException for an attribute that does not parse, has several values or
     *     a value its option does not accept
     */
    EndpointOptions options(String endpoint) {
        java.lang.annotation.Annotation annotation = plain != null ? plain : infinite;
        EndpointOptions options = EndpointOptions.none();
        if (annotation == null) {
            return options;
        }
        for (EndpointOption option : EndpointOption.all()) {
            Object written = attribute(annotation, option.optionName());
            Object value = written == null ? null : value(endpoint, option, written);
            if (value != null) {
                option.check(endpoint, value, InvalidEndpointOptionException.Source.ANNOTATION);
                options = options.with(option, value);
            }
        }
        return options;
    }

    private static Object attribute(java.lang.annotation.Annotation annotation, String name) {
        try {
            return annotation.annotationType().getMethod(name).invoke(annotation);
        } catch (NoSuchMethodException e) {
            return null;   // the annotation has no such attribute
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + annotation.annotationType().getSimpleName() + "." + name, e);
        }
    }

    private static Object value(String endpoint, EndpointOption option, Object written) {
        if (written instanceof String text) {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidEndpointOptionException(endpoint, option.optionName(),
                        InvalidEndpointOptionException.Source.ANNOTATION, "\"" + text + "\" (" + e.getMessage() + ")", e);
            }
        }
        int length = java.lang.reflect.Array.getLength(written);
        if (length > 1) {
            throw new InvalidEndpointOptionException(endpoint, option.optionName(),
                    InvalidEndpointOptionException.Source.ANNOTATION, length + " values (write one value, or none)");
        }
        Object value = length == 0 ? null : java.lang.reflect.Array.get(written, 0);
        return option.type() == Long.class && value instanceof Integer i ? Long.valueOf(i) : value;
    }
}

package dev.querycache.spring;

import dev.querycache.EndpointOptions;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Converts {@code "never"} to {@link EndpointOptions#NEVER} for properties marked {@link NeverAllowed},
 * and other text as Spring Boot does; touches no other property of the application. Stateless.
 */
final class NeverDurationConverter implements ConditionalGenericConverter {

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, Duration.class));
    }

    @Override
    public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
        return targetType.hasAnnotation(NeverAllowed.class);
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        String text = ((String) source).trim();
        if (text.isEmpty()) {
            return null;
        }
        if (text.equalsIgnoreCase("never")) {
            return EndpointOptions.NEVER;
        }
        return DurationStyle.detectAndParse(text);
    }
}

package dev.querycache.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a {@code query-cache.*} duration property that does not parse in plain words: the property,
 * the value and every accepted format, instead of a conversion error that names internal types. Runs
 * before Spring Boot's own bind failure analyzer; other failures are left to it.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class QueryCacheBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    static final String FORMATS = "a number with a unit (500ms, 60s, 5m, 2h, 1d), an ISO-8601 duration (PT2M), "
            + "0, or, for keep-unused-data-for and stale-time, never";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        String name = cause.getName() == null ? "" : cause.getName().toString();
        if (!name.startsWith("query-cache.") || cause.getTarget() == null
                || cause.getTarget().getType().resolve() != Duration.class) {
            return null;
        }
        Object value = cause.getProperty() == null ? null : cause.getProperty().getValue();
        return new FailureAnalysis("Property '" + name + "' has an invalid value" + (value == null ? "" : " '" + value + "'")
                + ": it is no duration. Accepted: " + FORMATS + ".",
                "Set '" + name + "' to a duration such as 60s.", cause);
    }
}

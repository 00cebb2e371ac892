package dev.querycache.spring;

/**
 * query-cache's configuration is wrong; the message names the bean and the property or attribute, and
 * {@link #getAction()} says what to do. Reported by {@link QueryCacheFailureAnalyzer} like Spring Boot's
 * own startup failures.
 */
public class QueryCacheConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String action;

    public QueryCacheConfigurationException(String description, String action, Throwable cause) {
        super(description, cause);
        this.action = action;
    }

    public QueryCacheConfigurationException(String description, String action) {
        this(description, action, null);
    }

    /** What the user should change. */
    public String getAction() {
        return action;
    }
}

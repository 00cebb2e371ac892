package dev.querycache.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link QueryCacheConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
class QueryCacheFailureAnalyzer extends AbstractFailureAnalyzer<QueryCacheConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, QueryCacheConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
    }
}

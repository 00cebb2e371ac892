package dev.querycache.sample.tracing;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * With the {@code tracing} profile: every finished span is logged (trace id, span id, parent, name, duration,
 * tags), so a run shows how a page's time went: the request, the cache's fetch, the upstream call.
 */
@Configuration(proxyBeanMethods = false)
@Profile("tracing")
class SpanLog {

    private static final Log log = LogFactory.getLog(SpanLog.class);

    @Bean
    SpanHandler loggedSpans() {
        return new SpanHandler() {
            @Override
            public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                long micros = span.finishTimestamp() - span.startTimestamp();
                StringBuilder tags = new StringBuilder();
                span.forEachTag((t, key, value) -> t.append(' ').append(key).append('=').append(value), tags);
                log.info("span trace=" + span.traceId() + " id=" + span.id() + " parent=" + span.parentId() + " "
                        + span.name() + " " + (micros / 1000.0) + " ms" + tags);
                return true;
            }
        };
    }
}

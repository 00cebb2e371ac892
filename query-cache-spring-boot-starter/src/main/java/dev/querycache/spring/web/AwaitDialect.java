package dev.querycache.spring.web;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.context.IWebContext;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.dialect.AbstractProcessorDialect;
import org.thymeleaf.engine.AttributeName;
import org.thymeleaf.model.ICloseElementTag;
import org.thymeleaf.model.IModel;
import org.thymeleaf.model.IModelFactory;
import org.thymeleaf.model.IOpenElementTag;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.model.IStandaloneElementTag;
import org.thymeleaf.model.ITemplateEvent;
import org.thymeleaf.processor.IProcessor;
import org.thymeleaf.processor.element.AbstractAttributeModelProcessor;
import org.thymeleaf.processor.element.AbstractAttributeTagProcessor;
import org.thymeleaf.processor.element.IElementModelStructureHandler;
import org.thymeleaf.processor.element.IElementTagStructureHandler;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * The Thymeleaf dialect of {@link StreamedPage} (prefix {@code qc}): {@code qc:await="name"} on the element
 * that shows a pending query, {@code qc:fallback} and {@code qc:error} on its children.
 *
 * <p>{@code qc:await} reads the variable {@code name}. When it is a {@link PendingQuery} with data, the
 * element renders without its fallback and error children, with {@code name} holding the data; failed, it
 * renders only its error children; still running, it renders only its fallback children, gets the attribute
 * {@code data-qc-slot} and the query records how to render the element again once settled: the same
 * template, the element alone (a template selector on its {@code qc:await}), with the variables it saw. Any
 * other value renders the element as if it had data. Stateless; thread-safe.
 */
final class AwaitDialect extends AbstractProcessorDialect {

    static final String PREFIX = "qc";
    /** The attribute the fallback's element gets: its placement id. */
    static final String SLOT_ATTRIBUTE = "data-qc-slot";

    private final Supplier<ITemplateEngine> engine;

    /** @param engine the engine that renders a settled element again (looked up when first needed) */
    AwaitDialect(Supplier<ITemplateEngine> engine) {
        super("query-cache", PREFIX, 1000);
        this.engine = engine;
    }

    @Override
    public Set<IProcessor> getProcessors(String dialectPrefix) {
        return Set.of(new AwaitProcessor(dialectPrefix, engine), new MarkerProcessor(dialectPrefix, "fallback"),
                new MarkerProcessor(dialectPrefix, "error"),
                // xmlns:qc on the html element is for editors only: the page does not carry it
                new org.thymeleaf.standard.processor.StandardXmlNsTagProcessor(TemplateMode.HTML, dialectPrefix));
    }

    /** {@code qc:await}: after {@code th:if}, {@code th:each} and {@code th:with} of the same element, before {@code th:text}. */
    private static final class AwaitProcessor extends AbstractAttributeModelProcessor {

        private final String prefix;
        private final Supplier<ITemplateEngine> engine;

        AwaitProcessor(String prefix, Supplier<ITemplateEngine> engine) {
            super(TemplateMode.HTML, prefix, null, false, "await", true, 1000, true);
            this.prefix = prefix;
            this.engine = engine;
        }

        @Override
        protected void doProcess(ITemplateContext context, IModel model, AttributeName attributeName, String attributeValue,
                                 IElementModelStructureHandler structure) {
            String name = attributeValue == null ? "" : attributeValue.trim();
            Object variable = context.getVariable(name);
            if (!(variable instanceof PendingQuery query)) {
                keepOnly(context, model, null, -1);
                return;
            }
            switch (query.outcome()) {
                case VALUE -> {
                    structure.setLocalVariable(name, query.value());
                    keepOnly(context, model, null, -1);
                }
                case FAILED -> {
                    structure.setLocalVariable(name, null);
                    keepOnly(context, model, "error", -1);
                }
                case PENDING -> {
                    String template = context.getTemplateData().getTemplate();
                    String selector = "[" + prefix + ":await='" + name + "']";
                    Map<String, Object> variables = new HashMap<>();
                    for (String v : context.getVariableNames()) {
                        variables.put(v, context.getVariable(v));
                    }
                    java.util.Locale locale = context.getLocale();
                    org.thymeleaf.web.IWebExchange exchange = context instanceof IWebContext web ? web.getExchange() : null;
                    int id = query.place(() -> engine.get().process(template, Set.of(selector), exchange == null
                            ? new org.thymeleaf.context.Context(locale, variables) : new WebContext(exchange, locale, variables)));
                    keepOnly(context, model, "fallback", id);
                }
            }
        }

        /**
         * Rewrites the element to keep, of its direct children marked {@code qc:fallback} or {@code qc:error},
         * only those marked {@code marker} (null: none of them, and every unmarked child); with {@code marker}
         * set, unmarked children go. {@code slot} >= 0 puts {@link #SLOT_ATTRIBUTE} on the element.
         */
        private void keepOnly(ITemplateContext context, IModel model, String marker, int slot) {
            IModelFactory factory = context.getModelFactory();
            IModel out = factory.createModel();
            int n = model.size();
            ITemplateEvent first = model.get(0);
            if (slot >= 0 && first instanceof IProcessableElementTag tag) {
                first = factory.setAttribute(tag, SLOT_ATTRIBUTE, Integer.toString(slot));
            }
            out.add(first);
            if (!(first instanceof IOpenElementTag)) {
                model.reset();
                model.addModel(out);
                return;
            }
            int i = 1;
            while (i < n - 1) {
                ITemplateEvent e = model.get(i);
                int end = i;
                String kind = null;
                if (e instanceof IOpenElementTag open) {
                    kind = markerOf(open);
                    end = closing(model, i);
                } else if (e instanceof IStandaloneElementTag standalone) {
                    kind = markerOf(standalone);
                }
                boolean keep = marker == null ? kind == null : marker.equals(kind);
                if (keep) {
                    for (int j = i; j <= end; j++) {
                        ITemplateEvent copy = model.get(j);
                        if (j == i && kind != null && copy instanceof IProcessableElementTag t) {
                            copy = factory.removeAttribute(t, prefix, kind);
                        }
                        out.add(copy);
                    }
                }
                i = end + 1;
            }
            out.add(model.get(n - 1));
            model.reset();
            model.addModel(out);
        }

        private String markerOf(IProcessableElementTag tag) {
            if (tag.hasAttribute(prefix, "fallback")) {
                return "fallback";
            }
            return tag.hasAttribute(prefix, "error") ? "error" : null;
        }

        /** The index of the close tag matching the open tag at {@code open}. */
        private static int closing(IModel model, int open) {
            int depth = 0;
            for (int i = open; i < model.size(); i++) {
                ITemplateEvent e = model.get(i);
                if (e instanceof IOpenElementTag) {
                    depth++;
                } else if (e instanceof ICloseElementTag) {
                    depth--;
                    if (depth == 0) {
                        return i;
                    }
                }
            }
            return model.size() - 1;
        }
    }

    /** {@code qc:fallback} and {@code qc:error} outside a {@code qc:await} element: the marker is dropped. */
    private static final class MarkerProcessor extends AbstractAttributeTagProcessor {

        MarkerProcessor(String prefix, String attribute) {
            super(TemplateMode.HTML, prefix, null, false, attribute, true, 1000, true);
        }

        @Override
        protected void doProcess(ITemplateContext context, IProcessableElementTag tag, AttributeName attributeName,
                                 String attributeValue, IElementTagStructureHandler structure) {
            // nothing: the attribute is removed
        }
    }
}

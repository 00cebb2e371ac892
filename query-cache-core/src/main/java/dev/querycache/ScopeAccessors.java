package dev.querycache;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;

/**
 * Registers the caller, the request and the admission gate as Micrometer {@code ThreadLocalAccessor}s under
 * the Context keys {@link QueryScopes} and {@link Admission#with} write, so that Reactor's automatic context propagation
 * ({@code Hooks.enableAutomaticContextPropagation()}, which the starter turns on) sets them on the
 * thread while an operator of the request's chain runs, whatever thread that is, and restores the
 * previous values afterwards. Loaded only when context-propagation is on the classpath.
 */
final class ScopeAccessors {

    private ScopeAccessors() {
    }

    static void register() {
        ContextRegistry registry = ContextRegistry.getInstance();
        registry.registerThreadLocalAccessor(new Accessor<>(QueryScopes.PRINCIPAL, QueryScopes.CURRENT_PRINCIPAL));
        registry.registerThreadLocalAccessor(new Accessor<>(QueryScopes.REQUEST, QueryScopes.CURRENT_REQUEST));
        registry.registerThreadLocalAccessor(new Accessor<>(Admission.CONTEXT_KEY, Admission.CURRENT));
    }

    private static final class Accessor<T> implements ThreadLocalAccessor<T> {
        private final String key;
        private final ThreadLocal<T> local;

        Accessor(String key, ThreadLocal<T> local) {
            this.key = key;
            this.local = local;
        }

        @Override
        public Object key() {
            return key;
        }

        @Override
        public T getValue() {
            return local.get();
        }

        @Override
        public void setValue(T value) {
            local.set(value);
        }

        @Override
        public void setValue() {
            local.remove();
        }

        @Override
        public void restore(T previousValue) {
            local.set(previousValue);
        }

        @Override
        public void restore() {
            local.remove();
        }
    }
}

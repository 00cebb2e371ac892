package dev.querycache.spring.cluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Stops query-cache's users of Redis (the shared level, then the invalidation bus) when the context closes,
 * after the web server has stopped taking requests and before Spring Data Redis's connection factory stops.
 *
 * <p>Without it they kept using the factory while it shut its connections down, on Lettuce's own threads:
 * a command started there waits for the factory's lock, which the closing thread holds while it waits for
 * that same thread, so the close never returns. Stopping them first leaves the factory nothing to wait for.
 * Thread-safe.
 */
final class StopBeforeConnectionFactory implements SmartLifecycle {

    /**
     * Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
     * ({@code DEFAULT_PHASE - 2048}), so requests in flight still share; above the connection factory's
     * phase (0), so this stops first.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final ObjectProvider<RedisSharedLevel> levels;
    private final ObjectProvider<RedisInvalidationBus> buses;
    private volatile boolean running;

    StopBeforeConnectionFactory(ObjectProvider<RedisSharedLevel> levels, ObjectProvider<RedisInvalidationBus> buses) {
        this.levels = levels;
        this.buses = buses;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        levels.ifAvailable(RedisSharedLevel::stop);
        buses.ifAvailable(RedisInvalidationBus::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}

package dev.querycache.spring.cluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Stops query-cache's users of Redis (the shared level, then the invalidation bus) when the context closes,
 * after the web server has stopped taking requests and before Spring Data Redis's connection factory stops.
 *
 * <p>Without it they kept using the factory while it shut its connections down: their reconciles and
 * listener reconnects raced the close. The factory closes its shared connection under its lock and waits for
 * Lettuce's event loop to do it, without a time limit, while every command started on that event loop (a
 * callback of ours) first takes that same lock. Stopping them first leaves nothing of query-cache racing the
 * close. A CI run hung for 40 minutes in such a close; its log shows the bus still using the stopping factory.
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

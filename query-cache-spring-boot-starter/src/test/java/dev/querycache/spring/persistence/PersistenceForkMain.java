package dev.querycache.spring.persistence;

import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

/**
 * The application {@link LargePersistenceFileTest} starts in a JVM of its own with a small heap: a web app
 * with one endpoint and a persistence file. It prints how many entries were cached when the port opened and
 * when it was ready, then stops (which writes the file).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class PersistenceForkMain {

    /** One Pokémon-like record, as a real state file holds them. */
    public record Item(String name, int id, List<String> types, String description) {
    }

    @QueryEndpoint(name = "items")
    public static class Items implements QueryFetcher<String, Item> {
        @Override
        public Mono<Item> fetch(String name) {
            return Mono.just(new Item(name, 0, List.of("fetched"), ""));
        }
    }

    @Bean
    Items items() {
        return new Items();
    }

    static final AtomicLong SIZE_WHEN_PORT_OPENED = new AtomicLong(-1);

    @Bean
    org.springframework.context.ApplicationListener<WebServerInitializedEvent> portOpened(
            org.springframework.beans.factory.ObjectProvider<QueryClient> client) {
        return e -> SIZE_WHEN_PORT_OPENED.set(client.getObject().inspector().size());
    }

    public static void main(String[] args) {
        int exit = 1;
        try {
            ConfigurableApplicationContext ctx = SpringApplication.run(PersistenceForkMain.class,
                    "--server.port=0", "--spring.main.banner-mode=off", "--spring.jmx.enabled=false",
                    "--spring.config.name=persistence-fork-none", "--query-cache.persistence.file=" + args[0],
                    "--query-cache.maximum-size=" + args[1], "--logging.level.root=WARN",
                    "--logging.level.dev.querycache=INFO", "--logging.level.org.springframework.boot.reactor.netty=INFO");
            QueryClient client = ctx.getBean(QueryClient.class);
            System.out.println("FORK size when the port opened: " + SIZE_WHEN_PORT_OPENED.get());
            System.out.println("FORK size when ready: " + client.inspector().size());
            client.entries().stream().findFirst().ifPresent(e -> System.out.println("FORK an entry: " + e.arg() + " = " + e.data()));
            ctx.close();
            System.out.println("FORK closed");
            exit = 0;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
        } finally {
            System.exit(exit);   // whatever non-daemon thread a library left behind, this JVM is done
        }
    }
}

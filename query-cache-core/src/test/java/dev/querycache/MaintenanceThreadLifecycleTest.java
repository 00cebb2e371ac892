package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The maintenance thread belongs to the open clients: it starts with the first and stops with the last. */
class MaintenanceThreadLifecycleTest {

    private static long maintenanceThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(MaintenanceThread.NAME) && t.isAlive()).count();
    }

    private static QueryClient client() {
        return QueryClient.builder().maximumSize(10)
                .endpoint("items", (QueryFetcher<String, String>) arg -> reactor.core.publisher.Mono.just(arg + "!"),
                        EndpointOptions.builder().build())
                .build();
    }

    @Test
    void athousandClientsOpenedAndClosedLeaveNoThreadBehind() {
        int before = MaintenanceThread.openClients();   // clients other tests of this JVM left open, if any
        long most = 0;
        for (int round = 0; round < 100; round++) {
            List<QueryClient> open = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                QueryClient c = client();
                for (int k = 0; k < 30; k++) {
                    c.endpoint("items").query("k" + k).block(Duration.ofSeconds(10));   // writes: maintenance runs
                }
                open.add(c);
            }
            most = Math.max(most, maintenanceThreadsAlive());
            assertThat(MaintenanceThread.openClients()).isEqualTo(before + 10);
            open.forEach(QueryClient::close);
            open.get(0).close();   // closing twice releases once
        }
        assertThat(most).as("one thread for every open client").isEqualTo(1);
        assertThat(MaintenanceThread.openClients()).isEqualTo(before);
        if (before == 0) {
            org.awaitility.Awaitility.await("the last client closed: the thread ended").atMost(Duration.ofSeconds(30))
                    .until(() -> maintenanceThreadsAlive() == 0);
            assertThat(MaintenanceThread.currentThread()).isNull();
        }
    }

    @Test
    void theThreadInheritsNoThreadLocalAndHasTheLibrarysClassLoader() throws Exception {
        InheritableThreadLocal<String> requestData = new InheritableThreadLocal<>();
        requestData.set("the first caller's request");
        ClassLoader appLoader = new java.net.URLClassLoader(new java.net.URL[0], getClass().getClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(appLoader);
        AtomicReference<String> seen = new AtomicReference<>("not run");
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        try {
            Thread t = MaintenanceThread.newThread(() -> {
                seen.set(requestData.get());
                loader.set(Thread.currentThread().getContextClassLoader());
            });
            t.start();
            t.join(30_000);
            assertThat(t.isDaemon()).isTrue();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            requestData.remove();
        }
        assertThat(seen.get()).as("no inherited thread-local").isNull();
        assertThat(loader.get()).as("the library's loader, never the caller's").isSameAs(MaintenanceThread.class.getClassLoader())
                .isNotSameAs(appLoader);
    }

    @Test
    void withNoClientOpenMaintenanceRunsOnTheCaller() {
        QueryClient c = client();
        c.close();
        if (MaintenanceThread.openClients() == 0) {
            // a closed client's store still works; its maintenance runs where it is asked for
            for (int k = 0; k < 50; k++) {
                c.endpoint("items").query("late" + k).block(Duration.ofSeconds(10));
            }
            ((DefaultQueryClient) c).cleanUp();
            assertThat(maintenanceThreadsAlive()).isZero();
        }
    }
}

package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Hooks;

/**
 * query-cache's own HTTP paths do not need automatic context propagation: with
 * {@code spring.reactor.context-propagation=limited} (and the global hook off, as in an application that
 * never turned it on), a signed-in caller's prefetch and {@code /q} read of a {@code PRINCIPAL} endpoint
 * still reach that caller's entry, because the web layer runs its synchronous calls in a {@code handle}
 * operator, which restores the Context's values.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.reactor.context-propagation=limited", "query-cache.web.enabled=true",
                "query-cache.web.prefetchable=pokemon,myTeam"})
class LimitedContextPropagationHttpTest extends WebAppHttpTestSupport {

    @BeforeAll
    static void automaticPropagationOff() {
        Hooks.disableAutomaticContextPropagation();   // other test contexts of this JVM turned it on
    }

    @AfterAll
    static void automaticPropagationBackOn() {
        Hooks.enableAutomaticContextPropagation();    // as the cached contexts of the other tests expect
    }

    @Test
    void aPrincipalPrefetchAndReadReachTheCallersEntry() {
        ResponseEntity<String> prefetch = postJson("/_query/prefetch", "brock", "{\"endpoint\":\"myTeam\",\"arg\":\"2026\"}");
        assertThat(prefetch.getStatusCode().value()).isEqualTo(202);
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
        assertThat(client.entries()).singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo("brock"));

        ResponseEntity<String> read = http().get().uri("/_query/q/myTeam?arg=\"2026\"").header("X-User", "misty")
                .exchangeToMono(x -> x.toEntity(String.class)).block(Duration.ofSeconds(30));
        assertThat(read.getStatusCode().value()).isEqualTo(200);
        assertThat(read.getBody()).contains("misty");
        assertThat(client.entries()).extracting(s -> s.principal()).containsExactlyInAnyOrder("brock", "misty");
    }
}

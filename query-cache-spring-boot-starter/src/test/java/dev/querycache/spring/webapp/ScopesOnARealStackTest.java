package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryScopes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Scopes where a real handler runs: after its body was decoded, after an asynchronous principal lookup,
 * after asynchronous hops; two users; a thread that served one user's request and then serves another's.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "query-cache.web.enabled=true")
class ScopesOnARealStackTest {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @BeforeEach
    void clean() {
        client.resetApiState();
    }

    private ResponseEntity<String> call(String method, String user, String path, String body) {
        WebClient.RequestBodySpec spec = WebClient.create("http://localhost:" + port)
                .method(org.springframework.http.HttpMethod.valueOf(method)).uri(path);
        if (user != null) {
            spec = spec.header("X-User", user);
        }
        WebClient.RequestHeadersSpec<?> ready = body == null ? spec : spec.contentType(MediaType.TEXT_PLAIN).bodyValue(body);
        return ready.exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
    }

    private String note(String user, String id) {
        return QueryScopes.callAs(user, null, () -> (String) client.endpoint("notes").state(id).data());
    }

    @Test
    void aWriteHandlerThatReadsItsBodyFirstWritesTheCallersEntry() {
        ResponseEntity<String> ash = call("POST", "ash", "/notes/x", "ash wrote this");
        assertThat(ash.getStatusCode().value()).isEqualTo(200);
        ResponseEntity<String> misty = call("POST", "misty", "/notes/x", "misty wrote that");
        assertThat(misty.getStatusCode().value()).isEqualTo(200);
        assertThat(note("ash", "x")).isEqualTo("ash wrote this");
        assertThat(note("misty", "x")).isEqualTo("misty wrote that");
        assertThat(call("GET", "ash", "/notes/x", null).getBody()).isEqualTo("ash wrote this");
        assertThat(call("GET", "misty", "/notes/x", null).getBody()).isEqualTo("misty wrote that");
    }

    @Test
    void anInvalidateHandlerThatReadsItsBodyFirstInvalidatesOnlyTheCallersEntry() {
        call("POST", "ash", "/notes/y", "ash's");
        call("POST", "misty", "/notes/y", "misty's");
        assertThat(call("POST", "ash", "/notes/y/invalidate", "-").getStatusCode().value()).isEqualTo(200);
        assertThat(note("ash", "y")).as("ash's entry is gone").isNull();
        assertThat(note("misty", "y")).isEqualTo("misty's");
        assertThat(call("GET", "ash", "/notes/y", null).getBody()).isEqualTo("ash's note y #1");
    }

    @Test
    void twentyConcurrentWritersEachWriteTheirOwnEntry() {
        List<ResponseEntity<String>> answers = Flux.range(0, 20)
                .flatMap(i -> reactor.core.publisher.Mono.fromCallable(() ->
                                call("POST", "user" + i, "/notes/z", "by user" + i))
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(answers).allSatisfy(r -> assertThat(r.getStatusCode().value()).isEqualTo(200));
        for (int i = 0; i < 20; i++) {
            assertThat(note("user" + i, "z")).isEqualTo("by user" + i);
        }
    }

    @Test
    void aReadAfterAnAsynchronousHopIsInThePageState() {
        String page = call("GET", null, "/later/pikachu", null).getBody();
        assertThat(page).startsWith("pikachu").contains("query-cache-state").contains("\"pikachu\"");
    }

    @Test
    void aThreadReusedByAnotherRequestSeesNothingOfTheFirst() {
        call("POST", "ash", "/notes/secret", "ash's secret");
        for (int i = 0; i < 30; i++) {
            call("GET", "ash", "/notes/secret/state", null);
            String anonymous = call("GET", null, "/notes/secret/state", null).getBody();
            assertThat(anonymous).as("round %d", i).isEqualTo("no caller");
            String other = call("GET", "misty", "/notes/secret/state", null).getBody();
            assertThat(other).as("round %d", i).isEqualTo("null");
        }
    }
}

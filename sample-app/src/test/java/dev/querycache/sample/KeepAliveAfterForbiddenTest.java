package dev.querycache.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The HTTP server the starter ships on keeps reading a keep-alive connection after a CSRF 403.
 *
 * <p>Reactor Netty 1.3.7 (what Spring Boot 4.1.1 manages) held a request that arrived while the previous
 * response was written from another thread; when that held request was answered at once (Spring Security's
 * CSRF 403 is decided before any thread hop), the server never asked the socket for more, so the next
 * request on that connection was never read (reactor/reactor-netty#4361, fixed in 1.3.8). Here, on a real
 * port and one raw socket: a GET whose response is written from a timer thread (the embedded upstream waits
 * 50 ms), pipelined with a POST without a CSRF token (403 at once), then, after both answers, a GET on the
 * same connection. On 1.3.7 that last GET is never answered; the socket's read timeout fails the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.upstream.latency=50ms")
class KeepAliveAfterForbiddenTest {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    @LocalServerPort
    int port;

    @Test
    void aGetAfterAForbiddenPostOnTheSameConnectionIsAnswered() throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);   // generous: on a busy machine the answers still come in well under this
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int round = 0; round < 5; round++) {
                String slowGet = "GET /upstream/pokemon/pikachu HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n";
                String forbiddenPost = "POST /api/pokemon/pikachu/favourite HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: 0\r\n\r\n";
                out.write((slowGet + forbiddenPost).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<Integer> statuses = new ArrayList<>();
                statuses.add(readResponse(in, "round " + round + ", the GET"));
                statuses.add(readResponse(in, "round " + round + ", the POST without a token"));
                assertThat(statuses).as("round %d", round).containsExactly(200, 403);

                out.write("GET /upstream/requests HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readResponse(in, "round " + round + ", the GET after the 403")).isEqualTo(200);
            }
        }
    }

    /** Reads one response with a Content-Length body and returns its status; fails naming {@code what} when none comes. */
    private static int readResponse(InputStream in, String what) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError(what + ": the server closed the connection");
                }
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            Matcher length = CONTENT_LENGTH.matcher(headers);
            assertThat(length.find()).as(what + ": a Content-Length in %s", headers).isTrue();
            in.readNBytes(Integer.parseInt(length.group(1)));
            return Integer.parseInt(headers.substring(9, 12));
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": no answer within 20 s on a kept-alive connection (got: " + head + ")", e);
        }
    }
}

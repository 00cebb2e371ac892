package dev.querycache.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisSystemException;

/** Redis failures are named as what they are, and only a lost connection or a server-wide error is an outage. */
class RedisErrorsTest {

    private static Throwable reply(String message) {
        // as Spring Data Redis hands it over: translated, wrapping Lettuce's
        return new CompletionException(new RedisSystemException("Error in execution", new RedisCommandExecutionException(message)));
    }

    @Test
    void errorRepliesAreNamedAsThemselves() {
        for (String code : new String[] {"CROSSSLOT Keys in request don't hash to the same slot", "NOSCRIPT No matching script",
                "WRONGTYPE Operation against a key holding the wrong kind of value", "NOAUTH Authentication required.",
                "OOM command not allowed when used memory > 'maxmemory'."}) {
            assertThat(RedisErrors.describe(reply(code))).isEqualTo("Redis answered an error: " + code);
            assertThat(RedisErrors.isUnreachable(reply(code))).isFalse();
        }
        assertThat(RedisErrors.describe(new RedisCommandTimeoutException("Command timed out after 2 second(s)")))
                .startsWith("no answer from Redis in time");
        assertThat(RedisErrors.describe(new java.util.concurrent.TimeoutException())).startsWith("no answer from Redis in time");
        assertThat(RedisErrors.describe(new RedisConnectionException("Unable to connect to 127.0.0.1:1")))
                .isEqualTo("cannot reach Redis (Unable to connect to 127.0.0.1:1)");
    }

    @Test
    void onlyALostConnectionOrAServerWideErrorTakesTheSharedLevelDown() {
        RedisAvailability level = new RedisAvailability(3, false);
        assertThat(level.failed(reply("WRONGTYPE Operation against a key holding the wrong kind of value"))).isFalse();
        assertThat(level.failed(reply("CROSSSLOT Keys in request don't hash to the same slot"))).isFalse();
        assertThat(level.failed(new RedisCommandTimeoutException("slow"))).isFalse();
        assertThat(level.failed(new RedisCommandTimeoutException("slow"))).isFalse();
        assertThat(level.isDown()).isFalse();
        assertThat(level.failed(new RedisCommandTimeoutException("slow"))).as("the third slow one in a row").isTrue();
        assertThat(level.recovered()).isTrue();
        assertThat(level.failed(reply("NOAUTH Authentication required."))).isTrue();
        assertThat(level.recovered()).isTrue();
        assertThat(level.failed(new RedisConnectionException("Connection refused"))).isTrue();
        assertThat(level.failed(new RedisConnectionException("Connection refused"))).as("once per outage").isFalse();
        assertThat(level.failures()).isEqualTo(8);

        RedisAvailability bus = new RedisAvailability(1, true);
        assertThat(bus.failed(reply("WRONGTYPE Operation against a key holding the wrong kind of value"))).isTrue();
    }
}

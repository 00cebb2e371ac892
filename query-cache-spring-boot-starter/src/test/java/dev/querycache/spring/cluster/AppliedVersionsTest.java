package dev.querycache.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AppliedVersionsTest {

    private final AppliedVersions versions = new AppliedVersions();

    @Test
    void versionsArrivingOutOfOrderAreAbsorbedWhenTheGapCloses() {
        versions.accept("tag:Item", 1);
        versions.accept("tag:Item", 3);
        versions.accept("tag:Item", 4);
        assertThat(versions.watermark("tag:Item")).isEqualTo(1);
        versions.accept("tag:Item", 2);
        assertThat(versions.watermark("tag:Item")).isEqualTo(4);
        versions.accept("tag:Item", 4);
        assertThat(versions.watermark("tag:Item")).isEqualTo(4);
    }

    @Test
    void aLostVersionKeepsTheWatermarkBelowItUntilAReset() {
        versions.accept("tag:Item", 1);
        versions.accept("tag:Item", 3);
        assertThat(versions.watermark("tag:Item")).isEqualTo(1);
        versions.reset("tag:Item", 3);
        assertThat(versions.watermark("tag:Item")).isEqualTo(3);
        versions.accept("tag:Item", 4);
        assertThat(versions.watermark("tag:Item")).isEqualTo(4);
    }

    @Test
    void fieldsRedisNoLongerHasAreForgotten() {
        versions.accept("tag:Item", 1);
        versions.accept("endpoint:search", 1);
        versions.retainOnly(Set.of("endpoint:search"));
        assertThat(versions.watermark("tag:Item")).isZero();
        assertThat(versions.watermark("endpoint:search")).isEqualTo(1);
    }
}

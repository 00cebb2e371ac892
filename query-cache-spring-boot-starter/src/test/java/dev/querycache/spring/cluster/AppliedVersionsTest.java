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
        versions.accept("tag:New", 1);   // created after Redis was read: not in the snapshot
        versions.forgetMissing(Set.of("tag:Item", "endpoint:search"), Set.of("endpoint:search"));
        assertThat(versions.watermark("tag:Item")).isZero();
        assertThat(versions.watermark("endpoint:search")).isEqualTo(1);
        assertThat(versions.watermark("tag:New")).as("a field newer than the read is kept").isEqualTo(1);
    }

    @Test
    void aSnapshotIsEveryWatermarkAtThatMoment() {
        versions.accept("tag:Item", 1);
        versions.accept("tag:Item", 3);
        assertThat(versions.snapshot()).containsExactly(java.util.Map.entry("tag:Item", 1L));
    }

    @Test
    void aResetAbsorbsVersionsReceivedRightAboveIt() {
        versions.accept("tag:Item", 11);   // messages overtook the answer that says 10
        versions.accept("tag:Item", 12);
        versions.reset("tag:Item", 10);
        assertThat(versions.watermark("tag:Item")).isEqualTo(12);
    }
}

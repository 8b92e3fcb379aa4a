package dev.envelope.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short fleet run: two JVMs, two threads each, against a quota the KMS-keyring fleet cannot stay
 * within, with both branch keys rotated halfway.
 */
class FleetBenchmarkTest {
  @Test
  void theHierarchyFleetStaysWithinOneKmsCallPerProcessBranchKeyAndTtl() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<FleetResult> results =
        new FleetBenchmark(
                new FleetSettings(
                    2,
                    2,
                    2,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(2),
                    50,
                    Duration.ofMillis(1),
                    256,
                    true),
                new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    String out = buf.toString(StandardCharsets.UTF_8);
    FleetResult hierarchy = results.get(0);
    FleetResult kmsCache = results.get(1);
    assertThat(hierarchy.mode()).isEqualTo("hierarchy");
    assertThat(hierarchy.records()).as(out).isPositive();
    assertThat(hierarchy.callerErrors()).as(out).isZero();
    // 2 processes x 2 branch keys x ceil(window / 2 s) Decrypt calls at most, the window being each
    // process's time from its first branch key load to its last record. Both branch keys were
    // rotated while the processes ran; each rotation's KMS calls (ReEncrypt to authenticate the
    // active record, GenerateDataKeyWithoutPlaintext and ReEncrypt for the new version) are added
    // to the bound.
    assertThat(hierarchy.rotations()).as(out).isEqualTo(2);
    assertThat(hierarchy.rotationKmsCalls()).as(out).isGreaterThanOrEqualTo(2 * 3);
    assertThat(out).contains("rotated 2 branch keys halfway");
    assertThat(hierarchy.readBound()).as(out).isGreaterThanOrEqualTo(8);
    assertThat(hierarchy.kmsCallBound())
        .isEqualTo(hierarchy.readBound() + hierarchy.rotationKmsCalls());
    assertThat(hierarchy.kmsCalls())
        .as(out)
        .isGreaterThanOrEqualTo(4)
        .isLessThanOrEqualTo(hierarchy.kmsCallBound());
    assertThat(hierarchy.kmsThrottled()).as(out).isZero();
    // Row-bound contexts defeat the data-key cache: one KMS call per record, held down by the
    // quota.
    assertThat(kmsCache.kmsCallsPerMillionRecords()).as(out).isGreaterThan(900_000);
    // Rates depend on the machine; KMS calls per record do not.
    assertThat(hierarchy.kmsCallsPerMillionRecords())
        .as(out)
        .isLessThan(kmsCache.kmsCallsPerMillionRecords() / 10);
    assertThat(out).contains("hierarchy").contains("kms-cache").contains("KMS calls/M records");
  }
}

package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.benchmarks.kms.SmallFilesPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmsQuotaRunTest {
  @Test
  void jsonRoundTrips() {
    KmsQuotaRun run = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    assertThat(run.points()).hasSize(3);
    assertThat(KmsQuotaRun.parse(run.toJson())).isEqualTo(run);
  }

  @Test
  void smallFilesRoundTripAndRenderTheCallsSaved() {
    KmsQuotaRun old = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    assertThat(old.smallFiles()).isEmpty(); // files from before the case existed still parse
    KmsQuotaRun run =
        new KmsQuotaRun(
            old.jdkVersion(),
            old.threads(),
            old.quotaPerSecond(),
            old.kmsLatencyMillis(),
            old.targetRecordsPerSecond(),
            old.points(),
            List.of(
                new SmallFilesPoint(false, 4, 10.0, 500, 16384, 1000, 500, 20, 0),
                new SmallFilesPoint(true, 4, 10.0, 40000, 16384, 1000, 40, 0, 0)));
    assertThat(KmsQuotaRun.parse(run.toJson())).isEqualTo(run);
    String md =
        new MarkdownReport(List.of(), List.of(run), List.of(), Target.DEFAULTS)
            .render(List.of("# t"), List.of());
    assertThat(md)
        .contains("| without length | 16KiB | 50 | 1.0 k | 20 | 0 |")
        .contains("| with expectedLength | 16KiB | 4.0 k | 1.00 | 0 | 0 |")
        .contains(
            "Declaring the length saves 999 of every 1000 KMS calls per 1000 files (1000.00x fewer)")
        .contains("runs 80.00x the files/s");
  }

  @Test
  void sizingArithmetic() {
    KmsQuotaRun run = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    assertThat(run.bestRecordsPerSecond()).isEqualTo(60000.0);
    assertThat(run.maxMessagesFor(100_000)).isEqualTo(2000);
    assertThat(run.maxMessagesFor(1)).isEqualTo(1);
  }
}

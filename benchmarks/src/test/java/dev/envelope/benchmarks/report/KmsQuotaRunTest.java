package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KmsQuotaRunTest {
  @Test
  void jsonRoundTrips() {
    KmsQuotaRun run = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    assertThat(run.points()).hasSize(3);
    assertThat(KmsQuotaRun.parse(run.toJson())).isEqualTo(run);
  }

  @Test
  void sizingArithmetic() {
    KmsQuotaRun run = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    assertThat(run.bestRecordsPerSecond()).isEqualTo(60000.0);
    assertThat(run.maxMessagesFor(100_000)).isEqualTo(2000);
    assertThat(run.maxMessagesFor(1)).isEqualTo(1);
  }
}

package dev.envelope.benchmarks.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.benchmarks.kms.KmsQuotaPoint.Limit;
import org.junit.jupiter.api.Test;

class KmsQuotaPointTest {
  private static KmsQuotaPoint point(long maxMessages, long records, long calls, long throttled) {
    return new KmsQuotaPoint(maxMessages, false, 4, 10.0, records, calls, throttled, 0, 0, 1, 2, 3);
  }

  @Test
  void expectedCallsPerMillionIsCeilOfMillionOverBound() {
    assertThat(KmsQuotaPoint.expectedCallsPerMillion(0)).isEqualTo(1_000_000);
    assertThat(KmsQuotaPoint.expectedCallsPerMillion(1)).isEqualTo(1_000_000);
    assertThat(KmsQuotaPoint.expectedCallsPerMillion(3)).isEqualTo(333_334);
    assertThat(KmsQuotaPoint.expectedCallsPerMillion(1000)).isEqualTo(1000);
  }

  @Test
  void callsWithinBoundAllowOneExtraPerThread() {
    assertThat(point(100, 1001, 11, 0).kmsCallsWithinBound()).isTrue(); // ceil(1001/100) = 11
    assertThat(point(100, 1001, 15, 0).kmsCallsWithinBound()).isTrue(); // + 4 threads
    assertThat(point(100, 1001, 16, 0).kmsCallsWithinBound()).isFalse();
    assertThat(point(100, 1001, 10, 0).kmsCallsWithinBound())
        .isFalse(); // a key used beyond its bound
  }

  @Test
  void limitNamesQuotaCpuOrWaiting() {
    assertThat(point(0, 500, 500, 3).limit(50, 60_000)).isEqualTo(Limit.KMS_QUOTA);
    assertThat(point(100, 45_000, 450, 0).limit(50, 60_000))
        .isEqualTo(Limit.KMS_QUOTA); // 4.5k/s of 5k
    assertThat(point(10_000, 590_000, 59, 0).limit(50, 60_000)).isEqualTo(Limit.CPU);
    assertThat(point(10_000, 100_000, 10, 0).limit(50, 60_000)).isEqualTo(Limit.WAITING_FOR_KMS);
  }

  @Test
  void rates() {
    KmsQuotaPoint p = point(100, 50_000, 500, 0);
    assertThat(p.recordsPerSecond()).isEqualTo(5000.0);
    assertThat(p.kmsCallsPerMillionRecords()).isEqualTo(10_000.0);
    assertThat(p.quotaCeiling(50)).isEqualTo(5000.0);
  }
}

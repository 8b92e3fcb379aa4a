package dev.envelope.benchmarks.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void smallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 50; i++) {
      h.record(i);
    }
    assertThat(h.count()).isEqualTo(50);
    assertThat(h.percentile(0.5)).isEqualTo(25);
    assertThat(h.percentile(1.0)).isEqualTo(50);
    assertThat(h.max()).isEqualTo(50);
  }

  @Test
  void largeValuesWithinOneBucketWidth() {
    LatencyHistogram h = new LatencyHistogram();
    for (long i = 1; i <= 100_000; i++) {
      h.record(i * 1000); // 1 us .. 100 ms in ns
    }
    assertThat(h.percentile(0.5)).isBetween(50_000_000L, (long) (50_000_000 * 1.016));
    assertThat(h.percentile(0.99)).isBetween(99_000_000L, (long) (99_000_000 * 1.016));
    assertThat(h.percentile(1.0)).isEqualTo(100_000_000L);
  }

  @Test
  void bucketsCoverEveryLongWithoutGaps() {
    long[] samples = {0, 63, 64, 65, 127, 128, 129, 1L << 40, Long.MAX_VALUE};
    for (long v : samples) {
      int i = LatencyHistogram.index(v);
      assertThat(LatencyHistogram.upperBound(i)).isGreaterThanOrEqualTo(v);
      if (i > 0) {
        assertThat(LatencyHistogram.upperBound(i - 1)).isLessThan(v);
      }
    }
  }

  @Test
  void mergesAndHandlesEmpty() {
    LatencyHistogram a = new LatencyHistogram();
    assertThat(a.percentile(0.99)).isZero();
    LatencyHistogram b = new LatencyHistogram();
    b.record(10);
    b.record(1_000_000);
    a.record(5);
    a.add(b);
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.max()).isEqualTo(1_000_000);
    assertThatThrownBy(() -> a.percentile(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}

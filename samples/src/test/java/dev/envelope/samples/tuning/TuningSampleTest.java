package dev.envelope.samples.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TuningSampleTest {
  @Test
  void modelIsTheLargerOfUseAndAgeBoundsCappedByTheRecordRate() {
    assertThat(new CacheModel(20_000, 1, 1000, 300).kmsCallsPerSecond()).isEqualTo(20.0);
    assertThat(new CacheModel(20_000, 60_000, 1000, 300).kmsCallsPerSecond()).isEqualTo(200.0);
    assertThat(new CacheModel(10, 100_000, 1000, 300).kmsCallsPerSecond()).isEqualTo(10.0);
    assertThat(new CacheModel(1000, 1, 10, 300).concurrentCalls(0.010))
        .isCloseTo(1.0, within(1e-9));
  }

  @Test
  void recommendsTheSmallestNiceMaxMessagesWithinHalfTheQuota() {
    TuningSample.Recommendation r =
        TuningSample.recommend(20_000, 5500, 0.5, 1, Duration.ofMinutes(5));
    assertThat(r.maxMessages()).isEqualTo(10); // 20000 / 2750 = 7.3 -> 10
    assertThat(r.kmsCallsPerSecond()).isEqualTo(2000.0);
    assertThat(r.feasible()).isTrue();

    TuningSample.Recommendation slow =
        TuningSample.recommend(100, 5500, 0.5, 1, Duration.ofMinutes(5));
    assertThat(slow.maxMessages()).isEqualTo(1);

    TuningSample.Recommendation many =
        TuningSample.recommend(1_000_000, 5500, 0.5, 1_000_000, Duration.ofMinutes(5));
    assertThat(many.feasible()).isFalse();
    assertThat(many.note()).contains("raise maxAge");
  }

  @Test
  void niceNumbers() {
    assertThat(TuningSample.niceCeil(1)).isEqualTo(1);
    assertThat(TuningSample.niceCeil(3)).isEqualTo(5);
    assertThat(TuningSample.niceCeil(7.3)).isEqualTo(10);
    assertThat(TuningSample.niceCeil(101)).isEqualTo(200);
  }
}

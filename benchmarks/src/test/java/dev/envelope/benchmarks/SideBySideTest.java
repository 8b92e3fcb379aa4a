package dev.envelope.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SideBySideTest {

  @Test
  void aSliceCountsOperationsPerSecondOfEachClock() {
    AtomicLong calls = new AtomicLong();
    Supplier<byte[]> busy =
        () -> {
          calls.incrementAndGet();
          long until = System.nanoTime() + 100_000; // 0.1 ms of work per operation
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          return new byte[1];
        };
    for (SideBySide.Clock clock : SideBySide.Clock.values()) {
      calls.set(0);
      double rate = SideBySide.slice(busy, 50, clock);
      assertThat(calls.get()).isPositive();
      assertThat(rate).as(clock.name()).isPositive().isFinite();
      if (clock == SideBySide.Clock.WALL) {
        // Each operation takes at least 0.1 ms of wall time, and the slice counts every one.
        assertThat(rate)
            .isLessThanOrEqualTo(10_000)
            .isGreaterThan(calls.get() / 2.0); // a 50 ms slice ends well within 2 s
      }
    }
  }

  @Test
  void mediansAndRatiosOfRounds() {
    assertThat(SideBySide.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(SideBySide.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    // The median of per-round ratios, not the ratio of medians.
    assertThat(SideBySide.medianRatio(new double[] {2, 10, 3}, new double[] {1, 10, 1}))
        .isEqualTo(2);
  }

  @Test
  void anUnknownWorkloadIsNamed() {
    assertThatThrownBy(() -> SideBySide.workload("nonsense-encrypt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nonsense");
  }
}

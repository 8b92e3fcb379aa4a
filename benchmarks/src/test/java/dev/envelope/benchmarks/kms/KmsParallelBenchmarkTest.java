package dev.envelope.benchmarks.kms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A short run of {@link KmsParallelBenchmark}: its round-trip counts come from the local KMS's
 * audit log (server arrival times against a long injected latency), so they are asserted exactly
 * where physics fixes them and loosely where a busy machine could delay a thread.
 */
class KmsParallelBenchmarkTest {

  @Test
  void roundTripsPerModeAndTheInFlightRun() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    KmsParallelBenchmark.Result r =
        new KmsParallelBenchmark(
                Duration.ofMillis(300), 2, 20, new PrintStream(log, true, StandardCharsets.UTF_8))
            .run();
    assertThat(r.modes())
        .extracting(KmsParallelBenchmark.ModeResult::mode)
        .containsExactly(
            "sequential (baseline)",
            "parallel, blocking API",
            "parallel, async API",
            "local data key, blocking API",
            "local data key, async API");
    // One request can only follow another a whole latency later: the baseline is exactly 3.
    assertThat(r.modes().get(0).roundTripsPerMessage()).isEqualTo(3.0);
    for (KmsParallelBenchmark.ModeResult m : r.modes().subList(1, 3)) {
      assertThat(m.roundTripsPerMessage()).isGreaterThanOrEqualTo(2.0).isLessThan(3.0);
    }
    for (KmsParallelBenchmark.ModeResult m : r.modes().subList(3, 5)) {
      assertThat(m.roundTripsPerMessage()).isGreaterThanOrEqualTo(1.0).isLessThan(2.0);
    }
    assertThat(r.inFlight().messages()).isEqualTo(20);
    assertThat(r.inFlight().peakInFlight()).isPositive();
    String md = KmsParallelBenchmark.markdown(r);
    assertThat(md).contains("| sequential (baseline) |").contains("20 encryptions in flight");
  }
}

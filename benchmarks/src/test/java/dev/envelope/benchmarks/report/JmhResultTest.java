package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhResultTest {
  @Test
  void readsJmhJson() {
    List<JmhResult> results = JmhResult.parseAll(Fixtures.read("jdk17.json"));
    assertThat(results).hasSize(16);
    JmhResult first = results.get(0);
    assertThat(first.benchmarkClass()).isEqualTo("RecordBenchmark");
    assertThat(first.method()).isEqualTo("encrypt");
    assertThat(first.params()).containsEntry("impl", "envelope").containsEntry("size", "1024");
    assertThat(first.score()).isEqualTo(150000.0);
    assertThat(first.scoreError()).isNaN();
    assertThat(first.scoreUnit()).isEqualTo("ops/s");
    assertThat(first.allocBytesPerOp()).isEqualTo(2000.0);
    assertThat(first.allocMbPerSecond()).isEqualTo(123.5);
    assertThat(first.jdkMajor()).isEqualTo("17");
  }

  @Test
  void allocationIsNaNWithoutGcProfiler() {
    JmhResult decrypt = JmhResult.parseAll(Fixtures.read("jdk17.json")).get(3);
    assertThat(decrypt.allocBytesPerOp()).isNaN();
  }

  @Test
  void threadsAndJdkComeFromTheResult() {
    List<JmhResult> results = JmhResult.parseAll(Fixtures.read("jdk17.json"));
    assertThat(results.get(8).threads()).isEqualTo(2);
    assertThat(JmhResult.parseAll(Fixtures.read("jdk25.json")).get(0).jdkMajor()).isEqualTo("25");
  }
}

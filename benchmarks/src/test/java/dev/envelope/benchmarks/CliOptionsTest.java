package dev.envelope.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliOptionsTest {
  @Test
  void defaultsToTheFullProfileWithKms() {
    CliOptions o = CliOptions.parse();
    assertThat(o.profile()).isEqualTo(Profile.FULL);
    assertThat(o.runJmh()).isTrue();
    assertThat(o.runKms()).isTrue();
    assertThat(o.jmhArgs()).isEmpty();
  }

  @Test
  void ownOptionsAreTakenAndTheRestGoesToJmh() {
    CliOptions o =
        CliOptions.parse(
            "--profile",
            "short",
            "Record",
            "-p",
            "size=1024",
            "--kms-threads",
            "8",
            "--kms-max-messages",
            "0, 10,1000",
            "--kms-seconds",
            "0.5",
            "--results",
            "/tmp/x",
            "-jvm",
            "/j/bin/java",
            "--no-kms");
    assertThat(o.profile()).isEqualTo(Profile.SHORT);
    assertThat(o.kms().threads()).isEqualTo(8);
    assertThat(o.kms().maxMessagesSweep()).containsExactly(0L, 10L, 1000L);
    assertThat(o.kms().pointDuration()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.resultsDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(o.runKms()).isFalse();
    assertThat(o.jmhArgs()).isEqualTo(List.of("Record", "-p", "size=1024", "-jvm", "/j/bin/java"));
  }

  @Test
  void reportTakesFiles() {
    CliOptions o =
        CliOptions.parse(
            "--report", "a.json", "b-kms.json", "--results", "out", "--report-name", "x");
    assertThat(o.reportOnly()).containsExactly(Path.of("a.json"), Path.of("b-kms.json"));
    assertThat(o.reportName()).isEqualTo("x");
  }

  @Test
  void badValuesAreRejected() {
    assertThatThrownBy(() -> CliOptions.parse("--profile", "medium"))
        .hasMessageContaining("short or full");
    assertThatThrownBy(() -> CliOptions.parse("--kms-quota")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> CliOptions.parse("--report")).hasMessageContaining("at least one");
  }
}

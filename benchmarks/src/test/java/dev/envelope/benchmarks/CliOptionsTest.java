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
  void fleetOptionsOverrideTheProfile() {
    CliOptions full = CliOptions.parse();
    assertThat(full.runFleet()).isTrue();
    assertThat(full.fleet()).isEqualTo(dev.envelope.benchmarks.fleet.FleetSettings.full());
    CliOptions o =
        CliOptions.parse(
            "--profile",
            "short",
            "--fleet-processes",
            "5",
            "--fleet-threads",
            "3",
            "--fleet-branch-keys",
            "7",
            "--fleet-seconds",
            "90",
            "--fleet-ttl-seconds",
            "30",
            "--fleet-quota",
            "100");
    assertThat(o.fleet().processes()).isEqualTo(5);
    assertThat(o.fleet().threads()).isEqualTo(3);
    assertThat(o.fleet().branchKeys()).isEqualTo(7);
    assertThat(o.fleet().duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.fleet().ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.fleet().quotaPerSecond()).isEqualTo(100.0);
    // What the command line does not set stays the short profile's.
    assertThat(o.fleet().recordSize())
        .isEqualTo(dev.envelope.benchmarks.fleet.FleetSettings.quick().recordSize());
    assertThat(o.jmhArgs()).isEmpty();
  }

  @Test
  void fleetCanBeSkippedOrRunAlone() {
    assertThat(CliOptions.parse("--no-fleet").runFleet()).isFalse();
    assertThat(CliOptions.parse("--no-fleet").runKms()).isTrue();
    CliOptions only = CliOptions.parse("--fleet-only");
    assertThat(only.runFleet()).isTrue();
    assertThat(only.runJmh()).isFalse();
    assertThat(only.runKms()).isFalse();
    CliOptions kmsOnly = CliOptions.parse("--kms-only");
    assertThat(kmsOnly.runKms()).isTrue();
    assertThat(kmsOnly.runFleet()).isFalse();
    assertThatThrownBy(() -> CliOptions.parse("--fleet-ttl-seconds", "0"))
        .hasMessageContaining("at least 1 second");
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

  @Test
  void aRepeatedOptionTakesItsLastValue() {
    // envelope bench puts --profile short first; a user's --profile full must win.
    assertThat(CliOptions.parse("--profile", "short", "--profile", "full").profile())
        .isEqualTo(Profile.FULL);
    assertThat(
            CliOptions.parse("--kms-max-messages", "1,2", "--kms-max-messages", "5")
                .kms()
                .maxMessagesSweep())
        .containsExactly(5L);
  }

  @Test
  void reportFilesEndAtTheNextOptionAndJmhOptionsPassUntouched() {
    CliOptions o =
        CliOptions.parse(
            "--report", "a.json", "-f", "2", "-jvmArgs", "-Xmx1g", "@notafile", "--jmh-help");
    assertThat(o.reportOnly()).containsExactly(Path.of("a.json"));
    assertThat(o.jmhArgs()).isEqualTo(List.of("-f", "2", "-jvmArgs", "-Xmx1g", "@notafile", "-h"));
  }

  @Test
  void helpIsOursAndTheUsageListsEveryOption() {
    assertThat(CliOptions.parse("-h").help()).isTrue();
    assertThat(CliOptions.parse("--help").jmhArgs()).isEmpty();
    assertThat(CliOptions.usage())
        .contains(
            "--profile short|full",
            "--results",
            "--no-kms",
            "--kms-only",
            "--kms-threads",
            "--kms-quota",
            "--kms-latency-ms",
            "--kms-seconds",
            "--kms-max-messages",
            "--target-rate",
            "--no-fleet",
            "--fleet-only",
            "--fleet-processes",
            "--fleet-threads",
            "--fleet-branch-keys",
            "--fleet-seconds",
            "--fleet-ttl-seconds",
            "--fleet-quota",
            "--report",
            "--report-name",
            "--jmh-help",
            "Anything else goes to JMH");
  }

  @Test
  void badNumbersNameTheOption() {
    assertThatThrownBy(() -> CliOptions.parse("--kms-threads", "many"))
        .hasMessageContaining("--kms-threads");
    assertThatThrownBy(() -> CliOptions.parse("--kms-max-messages", "1,x"))
        .hasMessageContaining("--kms-max-messages");
  }
}

package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private final List<Comparison> rows =
      Comparison.group(JmhResult.parseAll(Fixtures.read("jdk17.json")));

  @Test
  void pairsResultsThatDifferOnlyInImpl() {
    assertThat(rows)
        .extracting(Comparison::label)
        .containsExactly(
            "Record encrypt size=1KiB",
            "Record decrypt size=1KiB",
            "CachedRecord encrypt size=1KiB",
            "CachedRecord encrypt2Threads size=1KiB",
            "Stream encrypt frameSize=64KiB streamMiB=256MiB",
            "Stream decrypt frameSize=64KiB streamMiB=256MiB");
    Comparison encrypt = rows.get(0);
    assertThat(encrypt.versusEsdk()).isCloseTo(5.0, within(1e-9));
    assertThat(encrypt.versusJce()).isCloseTo(0.1, within(1e-9));
  }

  @Test
  void missingBaselineGivesNaN() {
    Comparison cached = rows.get(2);
    assertThat(cached.jce()).isNull();
    assertThat(cached.versusJce()).isNaN();
    assertThat(cached.versusEsdk()).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void differentJdksAreDifferentScenarios() {
    List<JmhResult> all = new ArrayList<>(JmhResult.parseAll(Fixtures.read("jdk17.json")));
    all.addAll(JmhResult.parseAll(Fixtures.read("jdk25.json")));
    List<Comparison> both = Comparison.group(all);
    assertThat(both).hasSize(7);
    assertThat(both.get(6).jdkMajor()).isEqualTo("25");
    assertThat(both.get(6).versusEsdk()).isCloseTo(6.0, within(1e-9));
  }

  @Test
  void attachesTheFloorAndTheTwoThreadReference() {
    List<Comparison> targets =
        Comparison.group(JmhResult.parseAll(Fixtures.read("jdk17-targets.json")));
    Comparison cached = find(targets, "CachedRecord encrypt size=1KiB");
    assertThat(cached.floor().score()).isEqualTo(250000.0);
    assertThat(cached.timeOverFloor()).isCloseTo(1.25, within(1e-9));
    assertThat(cached.esdkOtherPath().score()).isEqualTo(25000.0);
    assertThat(cached.allocationPerByte()).isCloseTo(1800.0 / 1024, within(1e-9));
    assertThat(cached.reference()).isNull();
    Comparison sixteen = find(targets, "CachedRecord encrypt16Threads size=1KiB");
    assertThat(sixteen.versusReference()).isCloseTo(330.0 / 380, within(1e-9));
    assertThat(sixteen.floor()).isNull(); // the floor is one thread's
    Comparison virtual = find(targets, "VirtualThread encrypt executor=virtual-16 size=1KiB");
    assertThat(virtual.versusReference()).isCloseTo(0.95, within(1e-9));
    assertThat(find(targets, "VirtualThread encrypt executor=platform-2 size=1KiB").reference())
        .isNull();
  }

  private static Comparison find(List<Comparison> rows, String label) {
    return rows.stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
  }

  @Test
  void bytesPerOpFromSizeOrStreamLength() {
    assertThat(rows.get(0).bytesPerOp()).isEqualTo(1024);
    assertThat(rows.get(4).bytesPerOp()).isEqualTo(256L * 1024 * 1024);
  }
}

package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.benchmarks.fleet.FleetResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class FleetRunTest {
  @TempDir Path dir;

  private static FleetRun fixture() {
    return FleetRun.parse(Fixtures.read("fleet.json"));
  }

  private static String render(FleetRun run) {
    return new MarkdownReport(List.of(), List.of(), List.of(run), Target.DEFAULTS)
        .render(List.of("# t"), List.of());
  }

  /** The fixture with the hierarchy's KMS calls replaced. */
  private static FleetRun withHierarchyCalls(FleetRun run, long kmsCalls) {
    FleetResult h = run.mode(FleetResult.HIERARCHY).orElseThrow();
    FleetResult changed =
        new FleetResult(
            h.mode(),
            h.processes(),
            h.threads(),
            h.seconds(),
            h.windowSeconds(),
            h.records(),
            kmsCalls,
            h.kmsThrottled(),
            h.callerErrors(),
            h.p50Micros(),
            h.p99Micros(),
            h.rotations(),
            h.rotationKmsCalls(),
            h.kmsCallBound());
    return new FleetRun(
        run.jdkVersion(),
        run.processes(),
        run.threads(),
        run.branchKeys(),
        run.seconds(),
        run.ttlSeconds(),
        run.quotaPerSecond(),
        run.kmsLatencyMillis(),
        run.recordSize(),
        run.rotateMidRun(),
        List.of(changed, run.mode(FleetResult.KMS_CACHE).orElseThrow()));
  }

  @Test
  void jsonRoundTrips() {
    FleetRun run = fixture();
    assertThat(run.results())
        .extracting(FleetResult::mode)
        .containsExactly("hierarchy", "kms-cache");
    FleetResult h = run.mode(FleetResult.HIERARCHY).orElseThrow();
    assertThat(h.kmsCallsPerMillionRecords()).isEqualTo(140.0);
    assertThat(h.recordsPerSecond()).isEqualTo(5000.0);
    assertThat(h.readBound()).isEqualTo(48); // 3 x 4 x ceil(61.5 / 20)
    assertThat(h.withinBound()).isTrue();
    assertThat(FleetRun.parse(run.toJson())).isEqualTo(run);
  }

  @Test
  void aFileMissingAFieldIsRefusedNamingIt() {
    String broken = Fixtures.read("fleet.json").replace("\"kmsCallBound\" : 60", "\"x\" : 60");
    assertThatThrownBy(() -> FleetRun.parse(broken)).hasMessageContaining("kmsCallBound");
  }

  @Test
  void theReportJudgesTheBoundAndTabulatesBothModes() {
    String md = render(fixture());
    assertThat(md)
        .contains(
            "## Fleet: 3 processes x 4 threads, 4 branch keys, TTL 20 s, quota 200 requests/s")
        .contains(
            "| Fleet KMS calls <= processes x branch keys x ceil(run / TTL) + rotations"
                + " | 3 processes x 4 threads, 4 branch keys, TTL 20 s | 17"
                + " | 42 (bound 60 = 3 x 4 x ceil(61.5 s / 20 s) + 12 for 4 rotations) | ✅ pass |")
        .contains("| Fleet: no errors reach callers (hierarchy) |")
        .contains(
            "| hierarchy | 5.0 k | 42 | 140 | 60 = 3 x 4 x ceil(61.5 s / 20 s) + 12 for 4 rotations"
                + " ✅ | 0 | 0 | 50 us | 2.5 ms |")
        .contains("| kms-cache | 200 | 12060 | 1.01 M | - | 60 | 3 | 60.0 ms | 700.0 ms |")
        .contains("every branch key rotated once halfway through the run")
        .contains("The hierarchy made 7178.57x fewer KMS calls per record and encrypted 25.00x");
  }

  @Test
  void callsOverTheBoundFail() {
    String md = render(withHierarchyCalls(fixture(), 61));
    assertThat(md)
        .contains("| 61 (bound 60 = 3 x 4 x ceil(61.5 s / 20 s) + 12 for 4 rotations) | ❌ fail |");
  }

  @Test
  void theChartIsWellFormedWithBothModesAndTheBound() throws Exception {
    String svg = SvgChart.fleet(fixture(), "fleet <chart>");
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
    // Background plus two bars per mode.
    assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(5);
    assertThat(svg)
        .contains("fleet &lt;chart&gt;")
        .contains(">hierarchy<")
        .contains(">kms-cache<")
        .contains(">140<")
        .contains(">5.0 k/s<")
        .contains("#d62728");
  }

  @Test
  void reportWriterRendersAFleetFileAlone() throws Exception {
    Path in = dir.resolve("2026-12-02-full-jdk17" + ReportWriter.FLEET_SUFFIX);
    Files.writeString(in, Fixtures.read("fleet.json"));
    List<Path> written = ReportWriter.write(List.of(in), dir, "r", List.of("# r"));
    assertThat(written)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("r.md", "r-fleet.svg");
    assertThat(Files.readString(written.get(0)))
        .contains("## Fleet:")
        .contains("![r-fleet.svg](r-fleet.svg)");
  }
}

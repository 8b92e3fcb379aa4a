package dev.envelope.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.benchmarks.fleet.FleetResult;
import dev.envelope.benchmarks.report.FleetRun;
import dev.envelope.benchmarks.report.JmhResult;
import dev.envelope.benchmarks.report.Json;
import dev.envelope.benchmarks.report.KmsQuotaRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the short profile on a tiny subset in-process (JMH without forking, KMS quota for fractions
 * of a second, a fleet of one JVM for a second per mode) and checks that every output is produced
 * and parses. No timing assertions: CI machines are noisy.
 */
class BenchmarkSmokeTest {
  @TempDir Path dir;

  @Test
  void shortProfileWritesJsonReportAndCharts() throws Exception {
    System.setProperty("jmh.ignoreLock", "true"); // another JMH on the machine must not fail CI
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int code =
        BenchmarkMain.run(
            new PrintStream(log, true, StandardCharsets.UTF_8),
            "--profile",
            "short",
            "--results",
            dir.toString(),
            "^dev\\.envelope\\.benchmarks\\.(RecordBenchmark|StreamBenchmark)\\.encrypt$",
            "-p",
            "size=1024",
            "-p",
            "streamMiB=1",
            "-w",
            "100ms",
            "-r",
            "100ms",
            "--kms-threads",
            "2",
            "--kms-seconds",
            "0.3",
            "--kms-max-messages",
            "0,100",
            // The smallest fleet: the output is what counts here (FleetBenchmarkTest checks the
            // numbers), and every JVM started costs seconds.
            "--fleet-processes",
            "1",
            "--fleet-threads",
            "1",
            "--fleet-branch-keys",
            "1",
            "--fleet-seconds",
            "1",
            "--fleet-ttl-seconds",
            "1");
    assertThat(code).as(log.toString(StandardCharsets.UTF_8)).isZero();

    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    Path jmh = only(files, "-short-jdk\\d+\\.json");
    Path kms = only(files, "-short-jdk\\d+-kms\\.json");
    Path md = only(files, "-report\\.md");
    Path ratios = only(files, "-report-ratios\\.svg");
    Path kmsChart = only(files, "-report-kms\\.svg");
    Path fleet = only(files, "-short-jdk\\d+-fleet\\.json");
    Path fleetChart = only(files, "-report-fleet\\.svg");

    List<JmhResult> results = JmhResult.parseAll(Files.readString(jmh));
    assertThat(results)
        .extracting(JmhResult::benchmarkClass)
        .containsOnly("RecordBenchmark", "StreamBenchmark");
    assertThat(results).hasSize(7); // 4 implementations of records, 3 of streams
    assertThat(results).allSatisfy(r -> assertThat(r.score()).isPositive());
    assertThat(results)
        .anySatisfy(r -> assertThat(r.allocBytesPerOp()).isPositive()); // -prof gc ran

    KmsQuotaRun run = KmsQuotaRun.parse(Files.readString(kms));
    assertThat(run.points()).extracting(p -> p.maxMessages()).containsExactly(0L, 100L, 100L);
    assertThat(run.points()).allSatisfy(p -> assertThat(p.otherErrors()).isZero());
    // The many-small-files case: streams without, then with, their length; none failed.
    assertThat(run.smallFiles()).extracting(p -> p.lengthDeclared()).containsExactly(false, true);
    assertThat(run.smallFiles()).allSatisfy(p -> assertThat(p.errors()).isZero());
    assertThat(run.smallFiles()).allSatisfy(p -> assertThat(p.files()).isPositive());
    Json.parse(Files.readString(kms));

    FleetRun fleetRun = FleetRun.parse(Files.readString(fleet));
    assertThat(fleetRun.results())
        .extracting(FleetResult::mode)
        .containsExactly(FleetResult.HIERARCHY, FleetResult.KMS_CACHE);
    assertThat(fleetRun.results()).allSatisfy(r -> assertThat(r.records()).isPositive());

    String report = Files.readString(md);
    assertThat(report)
        .contains(
            "## Targets",
            "| Record encrypt size=1KiB |",
            "| Stream encrypt frameSize=64KiB",
            "## KMS quota",
            "Sizing:",
            "## Fleet: 1 processes x 1 threads",
            "| Fleet KMS calls <= processes x branch keys x ceil(run / TTL)");
    for (Path svg : List.of(ratios, kmsChart, fleetChart)) {
      assertThat(
              DocumentBuilderFactory.newInstance()
                  .newDocumentBuilder()
                  .parse(svg.toFile())
                  .getDocumentElement()
                  .getNodeName())
          .isEqualTo("svg");
    }
  }

  private static Path only(List<Path> files, String suffixRegex) {
    List<Path> matching =
        files.stream().filter(p -> p.getFileName().toString().matches(".*" + suffixRegex)).toList();
    assertThat(matching).as("files ending in %s among %s", suffixRegex, files).hasSize(1);
    return matching.get(0);
  }
}

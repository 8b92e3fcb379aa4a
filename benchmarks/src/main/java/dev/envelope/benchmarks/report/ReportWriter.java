package dev.envelope.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The report step: reads JMH JSON files, KMS-quota files ({@code *-kms.json}) and fleet files
 * ({@code *-fleet.json}), writes {@code <name>.md}, {@code <name>-ratios.svg} and, with KMS or
 * fleet results, {@code <name>-kms.svg} and {@code <name>-fleet.svg} into a directory. Results from
 * several files (e.g. a JDK 17 and a JDK 25 run) go into one report.
 */
public final class ReportWriter {
  public static final String KMS_SUFFIX = "-kms.json";
  public static final String FLEET_SUFFIX = "-fleet.json";

  private ReportWriter() {}

  /** The files written: the Markdown report first, then its charts. */
  public static List<Path> write(List<Path> inputs, Path dir, String name, List<String> header)
      throws IOException {
    List<JmhResult> results = new ArrayList<>();
    List<KmsQuotaRun> kmsRuns = new ArrayList<>();
    List<FleetRun> fleetRuns = new ArrayList<>();
    for (Path in : inputs) {
      String text = Files.readString(in, StandardCharsets.UTF_8);
      String file = in.getFileName().toString();
      if (file.endsWith(KMS_SUFFIX)) {
        kmsRuns.add(KmsQuotaRun.parse(text));
      } else if (file.endsWith(FLEET_SUFFIX)) {
        fleetRuns.add(FleetRun.parse(text));
      } else {
        results.addAll(JmhResult.parseAll(text));
      }
    }
    Files.createDirectories(dir);
    MarkdownReport report = new MarkdownReport(results, kmsRuns, fleetRuns, Target.DEFAULTS);
    List<Path> written = new ArrayList<>();
    List<String> charts = new ArrayList<>();
    Path md = dir.resolve(name + ".md");
    written.add(md);
    if (!report.comparisons().isEmpty()) {
      Path svg = dir.resolve(name + "-ratios.svg");
      Files.writeString(
          svg,
          SvgChart.ratios(
              report.comparisons(),
              Target.DEFAULTS,
              "Envelope vs official ESDK and raw AES-GCM: " + name),
          StandardCharsets.UTF_8);
      written.add(svg);
      charts.add(svg.getFileName().toString());
    }
    for (int i = 0; i < kmsRuns.size(); i++) {
      Path svg = dir.resolve(name + "-kms" + (i == 0 ? "" : "-" + (i + 1)) + ".svg");
      Files.writeString(
          svg,
          SvgChart.kmsSweep(kmsRuns.get(i), "Records/s vs cache bound under a KMS quota"),
          StandardCharsets.UTF_8);
      written.add(svg);
      charts.add(svg.getFileName().toString());
    }
    for (int i = 0; i < fleetRuns.size(); i++) {
      Path svg = dir.resolve(name + "-fleet" + (i == 0 ? "" : "-" + (i + 1)) + ".svg");
      Files.writeString(
          svg,
          SvgChart.fleet(
              fleetRuns.get(i),
              "Fleet: hierarchical keyrings vs KMS keyrings with a data-key cache"),
          StandardCharsets.UTF_8);
      written.add(svg);
      charts.add(svg.getFileName().toString());
    }
    Files.writeString(md, report.render(header, charts), StandardCharsets.UTF_8);
    return written;
  }
}

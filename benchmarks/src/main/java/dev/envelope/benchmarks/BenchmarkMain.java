package dev.envelope.benchmarks;

import dev.envelope.benchmarks.fleet.FleetBenchmark;
import dev.envelope.benchmarks.kms.KmsQuotaBenchmark;
import dev.envelope.benchmarks.kms.KmsQuotaPoint;
import dev.envelope.benchmarks.report.FleetRun;
import dev.envelope.benchmarks.report.JmhResult;
import dev.envelope.benchmarks.report.KmsQuotaRun;
import dev.envelope.benchmarks.report.ReportWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Entry point of {@code benchmarks.jar} (which {@code envelope bench} launches): runs the JMH suite
 * with a profile, then the KMS-quota benchmark, then the fleet benchmark, writes {@code
 * <date>-<profile>-jdk<N>.json} (and {@code ...-kms.json}, {@code ...-fleet.json}) under the
 * results directory, and renders the report ({@code ...-report.md} and SVG charts) next to them.
 */
public final class BenchmarkMain {
  /** Every benchmark of the suite lives in this package. */
  static final String SUITE = "dev\\.envelope\\.benchmarks\\..*";

  private BenchmarkMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs as the command line would and returns the exit code: 0 done, 1 a benchmark or the report
   * failed, 2 bad arguments. Prints progress on standard output.
   */
  public static int run(String... args) {
    return run(System.out, args);
  }

  static int run(PrintStream out, String... args) {
    CliOptions cli;
    try {
      cli = CliOptions.parse(args);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.print(CliOptions.usage());
      return 2;
    }
    if (cli.help()) {
      out.print(CliOptions.usage());
      return 0;
    }
    try {
      if (!cli.reportOnly().isEmpty()) {
        String name =
            cli.reportName() != null ? cli.reportName() : LocalDate.now(ZoneOffset.UTC) + "-report";
        report(
            out, cli.reportOnly(), cli.resultsDir(), name, null, "re-rendered from result files");
        return 0;
      }
      Files.createDirectories(cli.resultsDir());
      String stem = LocalDate.now(ZoneOffset.UTC) + "-" + cli.profile().id();
      List<Path> inputs = new ArrayList<>();
      String load = MachineInfo.loadAverage(); // before we add our own load
      if (cli.runJmh()) {
        Path json = runJmh(out, cli, stem);
        if (json == null) {
          return 2;
        }
        inputs.add(json);
      }
      if (cli.runKms()) {
        KmsQuotaBenchmark kmsBenchmark = new KmsQuotaBenchmark(cli.kms(), out);
        List<KmsQuotaPoint> points = kmsBenchmark.run();
        KmsQuotaRun run =
            KmsQuotaRun.of(
                cli.kms(), System.getProperty("java.version"), points, kmsBenchmark.smallFiles());
        Path kms =
            cli.resultsDir()
                .resolve(stem + "-jdk" + Runtime.version().feature() + ReportWriter.KMS_SUFFIX);
        Files.writeString(kms, run.toJson(), StandardCharsets.UTF_8);
        inputs.add(kms);
      }
      if (cli.runFleet()) {
        FleetBenchmark fleet = new FleetBenchmark(cli.fleet(), out);
        FleetRun run = FleetRun.of(cli.fleet(), System.getProperty("java.version"), fleet.run());
        Path file =
            cli.resultsDir()
                .resolve(stem + "-jdk" + Runtime.version().feature() + ReportWriter.FLEET_SUFFIX);
        Files.writeString(file, run.toJson(), StandardCharsets.UTF_8);
        inputs.add(file);
      }
      if (inputs.isEmpty()) {
        out.println("nothing to run: --no-kms and --no-fleet with --kms-only or --fleet-only");
        return 2;
      }
      String name =
          inputs.get(0).getFileName().toString().replaceFirst("(-kms|-fleet)?\\.json$", "")
              + "-report";
      report(out, inputs, cli.resultsDir(), name, cli.profile(), "load average at start " + load);
      return 0;
    } catch (RunnerException
        | IOException
        | SQLException
        | RuntimeException
        | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      out.println("benchmark run failed: " + e);
      e.printStackTrace(out);
      return 1;
    }
  }

  /**
   * Runs JMH with the profile's settings under the command line's; returns the result file, or null
   * on bad options.
   */
  private static Path runJmh(PrintStream out, CliOptions cli, String stem)
      throws RunnerException, IOException {
    CommandLineOptions user;
    try {
      user = new CommandLineOptions(cli.jmhArgs().toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      out.println("bad JMH option: " + e.getMessage());
      return null;
    }
    if (user.shouldHelp()) {
      user.showHelp();
      return null;
    }
    Path tmp = cli.resultsDir().resolve(stem + ".json.tmp");
    Options options = withProfile(user, cli.profile(), tmp);
    new Runner(options).run();
    String jdk =
        JmhResult.parseAll(Files.readString(tmp, StandardCharsets.UTF_8)).stream()
            .findFirst()
            .map(JmhResult::jdkMajor)
            .orElse(String.valueOf(Runtime.version().feature()));
    Path json = cli.resultsDir().resolve(stem + "-jdk" + jdk + ".json");
    Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING);
    out.println("JMH results: " + json);
    return json;
  }

  /**
   * The command line's JMH options, with the profile filling in what the command line leaves unset:
   * JMH's {@code parent} options only answer where the builder has no value, so the profile's
   * values are set on the builder only when the user's are absent.
   */
  static Options withProfile(CommandLineOptions user, Profile profile, Path resultFile) {
    ChainedOptionsBuilder b = new OptionsBuilder().parent(user);
    if (user.getIncludes().isEmpty()) {
      b.include(SUITE);
    }
    if (profile.forks != null && !user.getForkCount().hasValue()) {
      b.forks(profile.forks);
    }
    if (profile.warmupIterations != null && !user.getWarmupIterations().hasValue()) {
      b.warmupIterations(profile.warmupIterations);
    }
    if (profile.warmupTime != null && !user.getWarmupTime().hasValue()) {
      b.warmupTime(profile.warmupTime);
    }
    if (profile.measurementIterations != null && !user.getMeasurementIterations().hasValue()) {
      b.measurementIterations(profile.measurementIterations);
    }
    if (profile.measurementTime != null && !user.getMeasurementTime().hasValue()) {
      b.measurementTime(profile.measurementTime);
    }
    for (Map.Entry<String, List<String>> p : profile.params.entrySet()) {
      if (!user.getParameter(p.getKey()).hasValue()) {
        b.param(p.getKey(), p.getValue().toArray(String[]::new));
      }
    }
    if (!user.getParameter("executor").hasValue()
        && !user.getJvm().hasValue()
        && !VirtualThreadBenchmark.virtualThreadsAvailable()) {
      // The forks run on this JDK, which has no virtual threads: measure the platform variants
      // only.
      b.param("executor", VirtualThreadBenchmark.PLATFORM_2, VirtualThreadBenchmark.PLATFORM_16);
    }
    boolean gcAsked =
        user.getProfilers().stream()
            .anyMatch(p -> p.getKlass().equals("gc") || p.getKlass().endsWith("GCProfiler"));
    if (!gcAsked) {
      b.addProfiler("gc"); // allocation per operation goes into the report
    }
    return b.resultFormat(ResultFormatType.JSON).result(resultFile.toString()).build();
  }

  /**
   * Renders the report; {@code profile} is null when re-rendering files whose profile is not known.
   */
  private static void report(
      PrintStream out, List<Path> inputs, Path dir, String name, Profile profile, String note)
      throws IOException {
    List<String> header =
        List.of(
            "# Envelope benchmark report: " + name,
            "",
            "- Inputs: " + inputs.stream().map(p -> "`" + p.getFileName() + "`").toList(),
            "- Profile: "
                + (profile == null
                    ? "see the input file names"
                    : profile.id()
                        + (profile == Profile.SHORT
                            ? " (smoke run: tiny iterations, no fork; the numbers are not figures)"
                            : "")),
            "- Machine: " + MachineInfo.describe(),
            "- Report JVM: "
                + System.getProperty("java.vm.name")
                + " "
                + System.getProperty("java.version")
                + "; "
                + note);
    for (Path p : ReportWriter.write(inputs, dir, name, header)) {
      out.println("report: " + p);
    }
  }
}

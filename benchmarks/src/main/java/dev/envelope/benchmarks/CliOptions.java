package dev.envelope.benchmarks;

import dev.envelope.benchmarks.fleet.FleetSettings;
import dev.envelope.benchmarks.kms.KmsQuotaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Unmatched;

/**
 * The benchmark runner's own options, resolved against the profile; every other argument is passed
 * through to JMH (and overrides what the profile sets). The command line itself is {@link
 * Arguments}, parsed by picocli; {@link #usage()} is its help text.
 */
public record CliOptions(
    Profile profile,
    Path resultsDir,
    boolean runJmh,
    boolean runKms,
    KmsQuotaSettings kms,
    boolean runFleet,
    FleetSettings fleet,
    List<Path> reportOnly,
    String reportName,
    boolean help,
    List<String> jmhArgs) {

  /**
   * Parses a command line. A repeated option takes its last value (so {@code envelope bench}'s
   * {@code --profile short} yields to a user's {@code --profile full}).
   *
   * @throws IllegalArgumentException on a bad value or a missing one; the message names the option
   */
  public static CliOptions parse(String... args) {
    Arguments line = new Arguments();
    try {
      commandLine(line).parseArgs(args);
    } catch (MissingParameterException e) {
      throw new IllegalArgumentException(missingValue(e), e);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return line.resolve();
  }

  /** The help text ({@code -h}); {@code --jmh-help} shows JMH's own options. */
  public static String usage() {
    String text = commandLine(new Arguments()).getUsageMessage(Help.Ansi.OFF);
    return text.endsWith("\n") ? text : text + System.lineSeparator();
  }

  private static CommandLine commandLine(Arguments line) {
    return new CommandLine(line)
        .setOverwrittenOptionsAllowed(true)
        // JMH's options (-jvmArgs, -wi, -prof ...) must reach JMH as they were written: no
        // clustering of short options, no @file expansion.
        .setPosixClusteredShortOptionsAllowed(false)
        .setExpandAtFiles(false);
  }

  private static String missingValue(MissingParameterException e) {
    for (ArgSpec missing : e.getMissing()) {
      if (missing instanceof OptionSpec option) {
        String name = option.longestName();
        return name.equals("--report")
            ? "--report needs at least one result file"
            : name + " needs a value";
      }
    }
    return e.getMessage();
  }

  /** The command line as written; {@link #resolve()} applies the profile and the defaults. */
  @Command(
      name = "benchmarks.jar",
      separator = " ",
      sortOptions = false,
      usageHelpWidth = 110,
      customSynopsis = "java -jar benchmarks.jar [--profile short|full] [options] [JMH options]",
      footer = {
        "",
        "Anything else goes to JMH, e.g. a benchmark regex, -p size=1024, -f 2, -prof gc,",
        "-jvm /usr/lib/jvm/temurin-25-jdk-amd64/bin/java (runs the JMH forks on JDK 25)."
      })
  static final class Arguments {
    @Option(
        names = "--profile",
        paramLabel = "full|short",
        converter = ProfileConverter.class,
        description =
            "full (default): the measured run, minutes; short: seconds, for CI smoke runs")
    Profile profile = Profile.FULL;

    @Option(
        names = "--results",
        paramLabel = "DIR",
        description = "where JSON, Markdown and SVG go (default benchmarks/results or ./results)")
    Path results;

    @Option(names = "--no-kms", description = "skip the KMS-quota benchmark")
    boolean noKms;

    @Option(
        names = "--kms-only",
        description = "run only the KMS-quota benchmark (no JMH, no fleet)")
    boolean kmsOnly;

    @Option(names = "--kms-threads", paramLabel = "N", description = "caller threads (full: 4)")
    Integer kmsThreads;

    @Option(
        names = "--kms-quota",
        paramLabel = "R",
        description = "local KMS request quota, requests/s (50)")
    Double kmsQuota;

    @Option(
        names = "--kms-latency-ms",
        paramLabel = "MS",
        description = "latency added per KMS request (10)")
    Long kmsLatencyMillis;

    @Option(
        names = "--kms-seconds",
        paramLabel = "S",
        description = "seconds per cache bound (full: 10)")
    Double kmsSeconds;

    @Option(
        names = "--kms-max-messages",
        paramLabel = "L",
        converter = SweepConverter.class,
        description = "comma-separated cache bounds to sweep, 0 = no cache")
    Sweep kmsMaxMessages;

    @Option(
        names = "--target-rate",
        paramLabel = "R",
        description = "records/s a user wants; the report sizes maxMessages for it (100000)")
    Double targetRate;

    @Option(
        names = "--kms-small-files",
        paramLabel = "B",
        description = "bytes per file of the many-small-files case (16384; 0 skips it)")
    Integer kmsSmallFiles;

    @Option(names = "--no-fleet", description = "skip the fleet benchmark")
    boolean noFleet;

    @Option(names = "--fleet-only", description = "run only the fleet benchmark")
    boolean fleetOnly;

    @Option(
        names = "--fleet-processes",
        paramLabel = "P",
        description = "fleet JVMs (full: 3, short: 2)")
    Integer fleetProcesses;

    @Option(
        names = "--fleet-threads",
        paramLabel = "T",
        description = "threads per fleet JVM (full: 4, short: 2)")
    Integer fleetThreads;

    @Option(
        names = "--fleet-branch-keys",
        paramLabel = "B",
        description = "branch keys, one per tenant (full: 4, short: 2)")
    Integer fleetBranchKeys;

    @Option(
        names = "--fleet-seconds",
        paramLabel = "S",
        description = "seconds each fleet runs (full: 60, short: 3)")
    Long fleetSeconds;

    @Option(
        names = "--fleet-ttl-seconds",
        paramLabel = "S",
        description = "branch key and data key TTL (full: 20, short: 2)")
    Long fleetTtlSeconds;

    @Option(
        names = "--fleet-quota",
        paramLabel = "R",
        description = "local KMS request quota of the fleet, requests/s (full: 200, short: 50)")
    Double fleetQuota;

    // Files run up to the next argument that starts with '-', as they always have; a JMH option
    // after them
    // (say -f 2) is not taken for a file.
    @Option(
        names = "--report",
        paramLabel = "FILE",
        arity = "1..*",
        parameterConsumer = FilesUpToAnOption.class,
        description =
            "only render a report from existing result files (JMH JSON, *-kms.json, *-fleet.json)")
    List<Path> report = new ArrayList<>();

    @Option(
        names = "--report-name",
        paramLabel = "NAME",
        description = "file name stem of that report (default <date>-report)")
    String reportName;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "this text (--jmh-help: JMH's options)")
    boolean help;

    @Option(names = "--jmh-help", description = "JMH's own options")
    boolean jmhHelp;

    @Unmatched List<String> jmhArgs = new ArrayList<>();

    CliOptions resolve() {
      KmsQuotaSettings kms = profile.kms;
      if (kmsThreads != null) {
        kms = kms.withThreads(kmsThreads);
      }
      if (kmsQuota != null) {
        kms = kms.withQuota(kmsQuota);
      }
      if (kmsLatencyMillis != null) {
        kms = kms.withLatency(Duration.ofMillis(kmsLatencyMillis));
      }
      if (kmsSeconds != null) {
        kms = kms.withPointDuration(Duration.ofMillis((long) (kmsSeconds * 1000)));
      }
      if (kmsMaxMessages != null) {
        kms = kms.withSweep(kmsMaxMessages.bounds());
      }
      if (targetRate != null) {
        kms = kms.withTargetRate(targetRate);
      }
      if (kmsSmallFiles != null) {
        kms = kms.withSmallFileSize(kmsSmallFiles);
      }
      FleetSettings f = profile.fleet;
      FleetSettings fleet =
          new FleetSettings(
              fleetProcesses != null ? fleetProcesses : f.processes(),
              fleetThreads != null ? fleetThreads : f.threads(),
              fleetBranchKeys != null ? fleetBranchKeys : f.branchKeys(),
              fleetSeconds != null ? Duration.ofSeconds(fleetSeconds) : f.duration(),
              fleetTtlSeconds != null ? Duration.ofSeconds(fleetTtlSeconds) : f.ttl(),
              fleetQuota != null ? fleetQuota : f.quotaPerSecond(),
              f.kmsLatency(),
              f.recordSize(),
              f.rotateMidRun());
      Path dir = results;
      if (dir == null) {
        dir =
            Files.isRegularFile(Path.of("benchmarks", "pom.xml"))
                ? Path.of("benchmarks", "results")
                : Path.of("results");
      }
      List<String> toJmh = new ArrayList<>(jmhArgs);
      if (jmhHelp) {
        toJmh.add("-h");
      }
      return new CliOptions(
          profile,
          dir,
          !kmsOnly && !fleetOnly,
          !noKms && !fleetOnly,
          kms,
          !noFleet && !kmsOnly,
          fleet,
          List.copyOf(report),
          reportName,
          help,
          List.copyOf(toJmh));
    }
  }

  static final class ProfileConverter implements ITypeConverter<Profile> {
    @Override
    public Profile convert(String value) {
      try {
        return Profile.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /**
   * The cache bounds of {@code --kms-max-messages}: one value, so that a repeated option replaces
   * the list instead of adding to it.
   */
  record Sweep(List<Long> bounds) {}

  /** "0, 10,1000" -> [0, 10, 1000]: one value holding a comma-separated list, spaces allowed. */
  static final class SweepConverter implements ITypeConverter<Sweep> {
    @Override
    public Sweep convert(String value) {
      try {
        return new Sweep(
            Arrays.stream(value.split(",")).map(String::trim).map(Long::parseLong).toList());
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a comma-separated list of whole numbers");
      }
    }
  }

  /**
   * Consumes {@code --report}'s files: every following argument up to the first that starts with
   * '-'.
   */
  static final class FilesUpToAnOption implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      List<Path> files = argSpec.getValue();
      int before = files.size();
      while (!args.isEmpty() && !args.peek().startsWith("-")) {
        files.add(Path.of(args.pop()));
      }
      if (files.size() == before) {
        throw new MissingParameterException(
            commandSpec.commandLine(), argSpec, "--report needs at least one result file");
      }
    }
  }
}

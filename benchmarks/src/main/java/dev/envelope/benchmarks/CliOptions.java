package dev.envelope.benchmarks;

import dev.envelope.benchmarks.kms.KmsQuotaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark runner's own options; every other argument is passed through to JMH (and overrides
 * what the profile sets). See {@link #USAGE}.
 */
public record CliOptions(
    Profile profile,
    Path resultsDir,
    boolean runJmh,
    boolean runKms,
    KmsQuotaSettings kms,
    List<Path> reportOnly,
    String reportName,
    boolean help,
    List<String> jmhArgs) {

  public static final String USAGE =
      """
      Usage: java -jar benchmarks.jar [--profile short|full] [options] [JMH options]

        --profile full|short   full (default): the measured run, minutes; short: seconds, for CI smoke runs
        --results DIR          where JSON, Markdown and SVG go (default benchmarks/results or ./results)
        --no-kms               skip the KMS-quota benchmark
        --kms-only             run only the KMS-quota benchmark
        --kms-threads N        caller threads (full: 4)
        --kms-quota R          local KMS request quota, requests/s (50)
        --kms-latency-ms MS    latency added per KMS request (10)
        --kms-seconds S        seconds per cache bound (full: 10)
        --kms-max-messages L   comma-separated cache bounds to sweep, 0 = no cache
        --target-rate R        records/s a user wants; the report sizes maxMessages for it (100000)
        --kms-small-files B    bytes per file of the many-small-files case (16384; 0 skips it)
        --report FILE...       only render a report from existing result files (JMH JSON and *-kms.json)
        --report-name NAME     file name stem of that report (default <date>-report)
        -h, --help             this text (--jmh-help: JMH's own options)

      Anything else goes to JMH, e.g. a benchmark regex, -p size=1024, -f 2, -prof gc,
      -jvm /usr/lib/jvm/temurin-25-jdk-amd64/bin/java (runs the JMH forks on JDK 25).
      """;

  public static CliOptions parse(String... args) {
    Profile profile = Profile.FULL;
    Path results = null;
    boolean jmh = true;
    boolean kmsOn = true;
    boolean help = false;
    List<Path> report = new ArrayList<>();
    String reportName = null;
    List<String> rest = new ArrayList<>();
    Integer threads = null;
    Double quota = null;
    Duration latency = null;
    Duration point = null;
    List<Long> sweep = null;
    Double target = null;
    Integer smallFiles = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--profile" -> profile = Profile.of(value(args, ++i, a));
        case "--results" -> results = Path.of(value(args, ++i, a));
        case "--no-kms" -> kmsOn = false;
        case "--kms-only" -> jmh = false;
        case "--kms-threads" -> threads = Integer.parseInt(value(args, ++i, a));
        case "--kms-quota" -> quota = Double.parseDouble(value(args, ++i, a));
        case "--kms-latency-ms" -> latency = Duration.ofMillis(Long.parseLong(value(args, ++i, a)));
        case "--kms-seconds" ->
            point = Duration.ofMillis((long) (Double.parseDouble(value(args, ++i, a)) * 1000));
        case "--kms-max-messages" ->
            sweep =
                Arrays.stream(value(args, ++i, a).split(","))
                    .map(String::trim)
                    .map(Long::parseLong)
                    .toList();
        case "--target-rate" -> target = Double.parseDouble(value(args, ++i, a));
        case "--kms-small-files" -> smallFiles = Integer.parseInt(value(args, ++i, a));
        case "--report" -> {
          while (i + 1 < args.length && !args[i + 1].startsWith("-")) {
            report.add(Path.of(args[++i]));
          }
          if (report.isEmpty()) {
            throw new IllegalArgumentException("--report needs at least one result file");
          }
        }
        case "--report-name" -> reportName = value(args, ++i, a);
        case "-h", "--help" -> help = true;
        case "--jmh-help" -> rest.add("-h");
        default -> rest.add(a);
      }
    }
    KmsQuotaSettings kms = profile.kms;
    if (threads != null) {
      kms = kms.withThreads(threads);
    }
    if (quota != null) {
      kms = kms.withQuota(quota);
    }
    if (latency != null) {
      kms = kms.withLatency(latency);
    }
    if (point != null) {
      kms = kms.withPointDuration(point);
    }
    if (sweep != null) {
      kms = kms.withSweep(sweep);
    }
    if (target != null) {
      kms = kms.withTargetRate(target);
    }
    if (smallFiles != null) {
      kms = kms.withSmallFileSize(smallFiles);
    }
    if (results == null) {
      results =
          java.nio.file.Files.isRegularFile(Path.of("benchmarks", "pom.xml"))
              ? Path.of("benchmarks", "results")
              : Path.of("results");
    }
    return new CliOptions(
        profile,
        results,
        jmh,
        kmsOn,
        kms,
        List.copyOf(report),
        reportName,
        help,
        List.copyOf(rest));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}

package dev.envelope.benchmarks.report;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A performance target from the issues, stated as a ratio measured in one run: Envelope against the
 * official ESDK or against the raw AES-GCM ceiling, for the scenarios it names.
 *
 * @param description what the issue asks, for the report
 * @param appliesTo which scenarios it judges
 * @param baseline {@link Baseline#ESDK} or {@link Baseline#JCE}
 * @param minimum the smallest acceptable ratio
 */
public record Target(
    String description, Predicate<Comparison> appliesTo, Baseline baseline, double minimum) {

  public enum Baseline {
    ESDK,
    JCE
  }

  /** The targets of issues 2, 3 and 7. */
  public static final List<Target> DEFAULTS =
      List.of(
          new Target(
              "records 1 KiB uncached >= 3x ESDK",
              c -> is(c, "RecordBenchmark") && sized(c, "1024"),
              Baseline.ESDK,
              3.0),
          new Target(
              "records 1 KiB cached >= 3x ESDK",
              c -> is(c, "CachedRecordBenchmark") && sized(c, "1024"),
              Baseline.ESDK,
              3.0),
          new Target(
              "streams encrypt >= 80% of raw AES-GCM at 64 KiB frames",
              c -> stream64k(c) && c.method().equals("encrypt"), Baseline.JCE, 0.8),
          new Target(
              "streams decrypt >= 70% of raw AES-GCM at 64 KiB frames",
              c -> stream64k(c) && c.method().equals("decrypt"), Baseline.JCE, 0.7),
          new Target("streams >= 2x ESDK at 64 KiB frames", Target::stream64k, Baseline.ESDK, 2.0));

  public double measured(Comparison c) {
    return baseline == Baseline.ESDK ? c.versusEsdk() : c.versusJce();
  }

  /**
   * Pass or fail for this scenario; empty when the target does not apply or a result is missing.
   */
  public Optional<Boolean> judge(Comparison c) {
    if (!appliesTo.test(c)) {
      return Optional.empty();
    }
    double r = measured(c);
    return Double.isNaN(r) ? Optional.empty() : Optional.of(r >= minimum);
  }

  /** "3x ESDK" or "80% of raw AES-GCM", the short form used in table cells. */
  public String shortForm() {
    return baseline == Baseline.ESDK
        ? ">= " + Units.ratio(minimum) + " ESDK"
        : ">= " + Units.percent(minimum) + " raw";
  }

  private static boolean is(Comparison c, String benchmarkClass) {
    return c.benchmarkClass().equals(benchmarkClass);
  }

  private static boolean sized(Comparison c, String size) {
    return size.equals(c.params().get("size"));
  }

  private static boolean stream64k(Comparison c) {
    return is(c, "StreamBenchmark") && "65536".equals(c.params().get("frameSize"));
  }
}

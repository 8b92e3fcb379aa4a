package dev.envelope.benchmarks.report;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A performance target from the issues, stated as a ratio measured in one run: Envelope against the
 * official ESDK, the raw AES-GCM ceiling, the primitive floor, its own 2-thread throughput, or its
 * allocation against the record size, for the scenarios it names.
 *
 * @param description what the issue asks, for the report
 * @param appliesTo which scenarios it judges
 * @param measure what is compared
 * @param bound the smallest acceptable ratio, or the largest for {@link Measure#atMost()} measures
 */
public record Target(
    String description, Predicate<Comparison> appliesTo, Measure measure, double bound) {

  /** What a target compares; see the matching methods of {@link Comparison}. */
  public enum Measure {
    /** Envelope / the ESDK path named {@code esdk}: higher is better. */
    ESDK,
    /** Envelope / the ESDK's other path ({@code esdk-masterkey}, {@code esdk-keyring}). */
    ESDK_OTHER_PATH,
    /** Envelope / raw AES-GCM. */
    JCE,
    /** Envelope's time per operation / the primitive floor's: lower is better. */
    FLOOR_TIME,
    /** Envelope's throughput / its throughput at 2 threads for the same work. */
    THREAD_SCALING,
    /** Envelope's bytes allocated per operation / the record size: lower is better. */
    ALLOCATION_PER_BYTE;

    public boolean atMost() {
      return this == FLOOR_TIME || this == ALLOCATION_PER_BYTE;
    }

    /** Ratios of throughputs to a baseline read as "3.00x"; shares of a ceiling as "80%". */
    String format(double v) {
      return this == JCE || this == THREAD_SCALING ? Units.percent(v) : Units.ratio(v);
    }
  }

  /** The targets of issues 2, 3, 7 and 15. */
  public static final List<Target> DEFAULTS =
      List.of(
          new Target(
              "records 1 KiB uncached >= 3x ESDK (MPL raw AES keyring)",
              c -> is(c, "RecordBenchmark") && sized(c, "1024"),
              Measure.ESDK,
              3.0),
          new Target(
              "records 1 KiB uncached >= 3x ESDK (JceMasterKey)",
              c -> is(c, "RecordBenchmark") && sized(c, "1024"),
              Measure.ESDK_OTHER_PATH,
              3.0),
          new Target(
              "records 1 KiB cached >= 3x ESDK (JceMasterKey caching CMM)",
              c -> is(c, "CachedRecordBenchmark") && sized(c, "1024"),
              Measure.ESDK,
              3.0),
          new Target(
              "records 1 KiB cached >= 3x ESDK (MPL raw AES keyring, which cannot cache)",
              c -> is(c, "CachedRecordBenchmark") && sized(c, "1024"),
              Measure.ESDK_OTHER_PATH,
              3.0),
          new Target(
              "signed 0x0578 1 KiB >= 3x ESDK, cached and uncached",
              c -> is(c, "SignedRecordBenchmark"),
              Measure.ESDK,
              3.0),
          new Target(
              "cached 1 KiB record within 1.3x of the primitive floor's time",
              c -> is(c, "CachedRecordBenchmark") && sized(c, "1024") && c.threads() == 1,
              Measure.FLOOR_TIME,
              1.3),
          new Target(
              "16 threads keep >= 90% of the 2-thread cached throughput",
              c -> is(c, "CachedRecordBenchmark") || is(c, "VirtualThreadBenchmark"),
              Measure.THREAD_SCALING,
              0.9),
          new Target(
              "allocation per cached 1 KiB record <= 2x the record size",
              c -> is(c, "CachedRecordBenchmark") && sized(c, "1024") && c.threads() == 1,
              Measure.ALLOCATION_PER_BYTE,
              2.0),
          new Target(
              "streams encrypt >= 80% of raw AES-GCM at 64 KiB frames",
              c -> stream64k(c) && c.method().equals("encrypt"), Measure.JCE, 0.8),
          new Target(
              "streams decrypt >= 70% of raw AES-GCM at 64 KiB frames",
              c -> stream64k(c) && c.method().equals("decrypt"), Measure.JCE, 0.7),
          new Target("streams >= 2x ESDK at 64 KiB frames", Target::stream64k, Measure.ESDK, 2.0));

  public double measured(Comparison c) {
    return switch (measure) {
      case ESDK -> c.versusEsdk();
      case ESDK_OTHER_PATH -> c.versusEsdkOtherPath();
      case JCE -> c.versusJce();
      case FLOOR_TIME -> c.timeOverFloor();
      case THREAD_SCALING -> c.versusReference();
      case ALLOCATION_PER_BYTE -> c.allocationPerByte();
    };
  }

  /**
   * Pass or fail for this scenario; empty when the target does not apply or a result is missing.
   */
  public Optional<Boolean> judge(Comparison c) {
    if (!appliesTo.test(c)) {
      return Optional.empty();
    }
    double r = measured(c);
    if (Double.isNaN(r)) {
      return Optional.empty();
    }
    return Optional.of(measure.atMost() ? r <= bound : r >= bound);
  }

  /** The measured value as the report prints it: "3.00x" or "80%". */
  public String format(double measured) {
    return measure.format(measured);
  }

  /** "3x ESDK" or "80% of raw AES-GCM", the short form used in table cells. */
  public String shortForm() {
    return switch (measure) {
      case ESDK -> ">= " + Units.ratio(bound) + " ESDK";
      case ESDK_OTHER_PATH -> ">= " + Units.ratio(bound) + " other ESDK path";
      case JCE -> ">= " + Units.percent(bound) + " raw";
      case FLOOR_TIME -> "<= " + Units.ratio(bound) + " floor time";
      case THREAD_SCALING -> ">= " + Units.percent(bound) + " of 2 threads";
      case ALLOCATION_PER_BYTE -> "<= " + Units.ratio(bound) + " size allocated";
    };
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

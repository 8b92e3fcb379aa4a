package dev.envelope.samples.tuning;

import dev.envelope.materials.CachingMaterialsManager;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Tuning sample: from a target record rate and a KMS quota, recommends data-key cache bounds and
 * shows the KMS calls per second they cost, with the model in {@link CacheModel}.
 *
 * <p>The rule: spend at most {@code --quota-share} of the quota (other services and decryption
 * share it), keep {@code maxAge} at the longest exposure you accept for one data key, and pick the
 * smallest {@code maxMessages} (rounded up to 1, 2 or 5 × 10^k) that fits the budget: fewer
 * messages per key means less data under any one key if it leaks.
 */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Tuning sample: recommend data-key cache bounds for a record rate and a KMS quota.")
public final class TuningSample implements Callable<Integer> {
  @Option(
      names = "--rate",
      required = true,
      paramLabel = "RECORDS_PER_S",
      description = "Target records encrypted per second.")
  double rate;

  @Option(
      names = "--quota",
      defaultValue = "5500",
      paramLabel = "REQUESTS_PER_S",
      description =
          "KMS cryptographic request quota of the account and Region (5500, 10000 or 50000;"
              + " default: ${DEFAULT-VALUE}).")
  double quota;

  @Option(
      names = "--quota-share",
      defaultValue = "0.5",
      paramLabel = "FRACTION",
      description = "Share of the quota this workload may use (default: ${DEFAULT-VALUE}).")
  double share;

  @Option(
      names = "--contexts",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Distinct encryption contexts active at once, e.g. tenants (default: ${DEFAULT-VALUE}).")
  long contexts;

  @Option(
      names = "--max-age",
      defaultValue = "PT5M",
      paramLabel = "DURATION",
      description = "Longest a data key may be used, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration maxAge;

  @Option(
      names = "--latency-ms",
      defaultValue = "0",
      paramLabel = "MS",
      description = "KMS call latency, to show requests in flight and miss delay (optional).")
  double latencyMs;

  /**
   * The recommendation. {@code feasible} is false when even an unlimited maxMessages would exceed
   * the budget.
   */
  public record Recommendation(
      long maxMessages,
      Duration maxAge,
      long capacity,
      double kmsCallsPerSecond,
      double budget,
      boolean feasible,
      String note) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new TuningSample()).execute(args));
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Recommendation r;
    try {
      r = recommend(rate, quota, share, contexts, maxAge);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    print(r, System.out);
    return 0;
  }

  public static Recommendation recommend(
      double rate, double quota, double share, long contexts, Duration maxAge) {
    if (rate <= 0
        || quota <= 0
        || share <= 0
        || share > 1
        || contexts < 1
        || maxAge.isNegative()
        || maxAge.isZero()) {
      throw new IllegalArgumentException(
          "need --rate > 0, --quota > 0, 0 < --quota-share <= 1, --contexts >= 1,"
              + " --max-age > 0");
    }
    double budget = quota * share;
    double ageSeconds = maxAge.toNanos() / 1e9;
    long capacity = Math.max(contexts + contexts / 4, 16);
    if (rate <= budget) {
      CacheModel none = new CacheModel(rate, contexts, 1, ageSeconds);
      return new Recommendation(
          1,
          maxAge,
          capacity,
          none.kmsCallsPerSecond(),
          budget,
          true,
          "the record rate fits the budget without a cache; maxMessages=1 means every record gets its own key");
    }
    double floor = contexts / ageSeconds;
    if (floor > budget) {
      Duration minAge = Duration.ofMillis((long) Math.ceil(contexts / budget * 1000));
      CacheModel best =
          new CacheModel(rate, contexts, CachingMaterialsManager.MAX_MESSAGES_LIMIT, ageSeconds);
      return new Recommendation(
          CachingMaterialsManager.MAX_MESSAGES_LIMIT,
          maxAge,
          capacity,
          best.kmsCallsPerSecond(),
          budget,
          false,
          "even unlimited maxMessages needs "
              + fmt(floor)
              + " calls/s for "
              + contexts
              + " contexts at this maxAge: raise maxAge to at least "
              + minAge
              + ", use fewer distinct contexts, or ask for a higher quota");
    }
    long m = niceCeil(Math.ceil(rate / budget));
    m = Math.min(m, CachingMaterialsManager.MAX_MESSAGES_LIMIT);
    CacheModel model = new CacheModel(rate, contexts, m, ageSeconds);
    String note =
        model.kmsCallsPerSecond() <= floor * 1.0001
            ? "maxAge dominates: the calls are the age floor C/maxAge; maxMessages only caps exposure per key"
            : "maxMessages dominates: calls ≈ rate / maxMessages";
    return new Recommendation(m, maxAge, capacity, model.kmsCallsPerSecond(), budget, true, note);
  }

  /** Smallest of 1, 2, 5, 10, 20, 50, ... at or above {@code x}. */
  static long niceCeil(double x) {
    long p = 1;
    while (true) {
      for (long f : new long[] {1, 2, 5}) {
        if (f * p >= x) {
          return f * p;
        }
      }
      p *= 10;
    }
  }

  void print(Recommendation r, PrintStream out) {
    double ageSeconds = r.maxAge().toNanos() / 1e9;
    out.printf(
        Locale.ROOT,
        "Target %s records/s over %d context(s); KMS quota %s req/s, budget %s req/s (%.0f%%)%n",
        fmt(rate),
        contexts,
        fmt(quota),
        fmt(r.budget()),
        share * 100);
    out.println("Model: calls/s ≈ min(rate, max(rate / maxMessages, contexts / maxAge))");
    out.printf(
        Locale.ROOT,
        "Recommended: maxMessages=%d, maxAge=%s, capacity=%d%n",
        r.maxMessages(),
        r.maxAge(),
        r.capacity());
    out.printf(
        Locale.ROOT,
        "Expected KMS calls: %s/s = %.1f%% of the quota%s%n",
        fmt(r.kmsCallsPerSecond()),
        100 * r.kmsCallsPerSecond() / quota,
        r.feasible() ? "" : "  (OVER BUDGET)");
    if (latencyMs > 0) {
      CacheModel m = new CacheModel(rate, contexts, r.maxMessages(), ageSeconds);
      out.printf(
          Locale.ROOT,
          "At %s ms per KMS call: %.1f requests in flight, %.2f%% of records wait %s ms for KMS%n",
          fmt(latencyMs),
          m.concurrentCalls(latencyMs / 1000),
          100 * m.missRatio(),
          fmt(latencyMs));
    }
    out.println("Note: " + r.note());
    out.println("maxMessages -> KMS calls/s:");
    for (long mm = 1; mm <= 1_000_000; mm *= 10) {
      CacheModel m = new CacheModel(rate, contexts, mm, ageSeconds);
      out.printf(
          Locale.ROOT,
          "  %9d  %12s%s%n",
          mm,
          fmt(m.kmsCallsPerSecond()),
          m.kmsCallsPerSecond() > r.budget() ? "  over budget" : "");
    }
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, "%,.2f", v);
  }
}

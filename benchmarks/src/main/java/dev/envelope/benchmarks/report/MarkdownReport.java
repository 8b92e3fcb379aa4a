package dev.envelope.benchmarks.report;

import dev.envelope.benchmarks.fleet.FleetResult;
import dev.envelope.benchmarks.kms.KmsQuotaPoint;
import dev.envelope.benchmarks.kms.SmallFilesPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders results as Markdown: the targets with pass/fail marks, one table of ratios per JDK (ours
 * / official ESDK, ours / raw AES-GCM, allocation per operation), a JDK-to-JDK table when the
 * results span JDKs, the KMS-quota sweep with sizing guidance, and the fleet benchmark.
 */
public final class MarkdownReport {
  static final String PASS = "✅ pass";
  static final String FAIL = "❌ fail";

  private final List<Comparison> comparisons;
  private final List<KmsQuotaRun> kmsRuns;
  private final List<FleetRun> fleetRuns;
  private final List<Target> targets;

  public MarkdownReport(
      List<JmhResult> results,
      List<KmsQuotaRun> kmsRuns,
      List<FleetRun> fleetRuns,
      List<Target> targets) {
    this.comparisons = Comparison.group(results);
    this.kmsRuns = List.copyOf(kmsRuns);
    this.fleetRuns = List.copyOf(fleetRuns);
    this.targets = List.copyOf(targets);
  }

  public List<Comparison> comparisons() {
    return comparisons;
  }

  /**
   * @param header lines printed first (title, date, machine, load), already Markdown
   * @param chartFiles chart images to link, relative to the report
   */
  public String render(List<String> header, List<String> chartFiles) {
    StringBuilder md = new StringBuilder();
    header.forEach(line -> md.append(line).append('\n'));
    md.append('\n');
    renderTargets(md);
    for (Map.Entry<String, List<Comparison>> jdk : byJdk().entrySet()) {
      renderComparisons(md, jdk.getKey(), jdk.getValue());
    }
    if (byJdk().size() > 1) {
      renderJdkComparison(md);
    }
    for (KmsQuotaRun run : kmsRuns) {
      renderKms(md, run);
    }
    for (FleetRun run : fleetRuns) {
      renderFleet(md, run);
    }
    for (String chart : chartFiles) {
      md.append("![").append(chart).append("](").append(chart).append(")\n\n");
    }
    return md.toString();
  }

  private Map<String, List<Comparison>> byJdk() {
    Map<String, List<Comparison>> map = new LinkedHashMap<>();
    comparisons.forEach(c -> map.computeIfAbsent(c.jdkMajor(), k -> new ArrayList<>()).add(c));
    return map;
  }

  private void renderTargets(StringBuilder md) {
    md.append("## Targets\n\n");
    md.append("| Target | Scenario | JDK | Measured | Result |\n|---|---|---|---|---|\n");
    int judged = 0;
    for (Target t : targets) {
      for (Comparison c : comparisons) {
        Optional<Boolean> verdict = t.judge(c);
        if (verdict.isPresent()) {
          judged++;
          double m = t.measured(c);
          md.append("| ")
              .append(t.description())
              .append(" | ")
              .append(c.label())
              .append(" | ")
              .append(c.jdkMajor())
              .append(" | ")
              .append(t.format(m))
              .append(" | ")
              .append(verdict.get() ? PASS : FAIL)
              .append(" |\n");
        }
      }
    }
    for (KmsQuotaRun run : kmsRuns) {
      for (KmsQuotaPoint p : run.points()) {
        if (p.maxMessages() == 0) {
          continue;
        }
        judged++;
        md.append(
            String.format(
                Locale.ROOT,
                "| KMS calls per million records = ceil(1e6 / maxMessages) within %d"
                    + " threads | maxMessages=%d%s | %s | %s (expected %d) | %s |%n",
                p.threads(),
                p.maxMessages(),
                p.refreshAhead() ? " refresh-ahead" : "",
                major(run.jdkVersion()),
                Units.count(p.kmsCallsPerMillionRecords()),
                KmsQuotaPoint.expectedCallsPerMillion(p.maxMessages()),
                p.kmsCallsWithinBound() ? PASS : FAIL));
        if (quotaSuffices(run, p)) {
          judged++;
          md.append(
              String.format(
                  Locale.ROOT,
                  "| No throttling errors reach callers when the bound suffices"
                      + " | maxMessages=%d%s | %s | %d | %s |%n",
                  p.maxMessages(),
                  p.refreshAhead() ? " refresh-ahead" : "",
                  major(run.jdkVersion()),
                  p.callerThrottlingErrors(),
                  p.callerThrottlingErrors() == 0 ? PASS : FAIL));
        }
      }
    }
    for (FleetRun run : fleetRuns) {
      for (FleetResult r : run.results()) {
        if (!r.hierarchy()) {
          continue;
        }
        judged += 2;
        md.append(
            String.format(
                Locale.ROOT,
                "| Fleet KMS calls <= processes x branch keys x ceil(run / TTL)%s"
                    + " | %s | %s | %d (bound %s) | %s |%n",
                r.rotations() > 0 ? " + rotations" : "",
                fleetScenario(run),
                major(run.jdkVersion()),
                r.kmsCalls(),
                boundText(run, r),
                r.withinBound() ? PASS : FAIL));
        md.append(
            String.format(
                Locale.ROOT,
                "| Fleet: no errors reach callers (hierarchy) | %s | %s | %d | %s |%n",
                fleetScenario(run),
                major(run.jdkVersion()),
                r.callerErrors(),
                r.callerErrors() == 0 ? PASS : FAIL));
      }
    }
    if (judged == 0) {
      md.append("| (no result in this run is judged by a target) | | | | |\n");
    }
    md.append('\n');
  }

  /**
   * The bound lets the quota cover the best rate measured in the sweep: from there on a caller
   * should never see throttling, so the target of zero applies.
   */
  static boolean quotaSuffices(KmsQuotaRun run, KmsQuotaPoint p) {
    return p.maxMessages() > 0
        && p.quotaCeiling(run.quotaPerSecond()) >= run.bestRecordsPerSecond();
  }

  private void renderComparisons(StringBuilder md, String jdk, List<Comparison> rows) {
    JmhResult sample =
        rows.stream()
            .map(c -> c.envelope() != null ? c.envelope() : c.esdk() != null ? c.esdk() : c.jce())
            .filter(r -> r != null)
            .findFirst()
            .orElseThrow();
    md.append("## Records and streams on JDK ")
        .append(sample.jdkVersion())
        .append(" (")
        .append(sample.vmName())
        .append(")\n\n");
    md.append(
        "Scores are operations per second (records/s; for streams, converted to MiB/s), higher is better."
            + " Ratios compare results of the same run. *ESDK* is the ESDK's path named `esdk` in each"
            + " benchmark (records: the Material Providers Library's raw AES keyring; cached records: the"
            + " `JceMasterKey` caching CMM); *other ESDK path* is `esdk-masterkey` (records) or `esdk-keyring`"
            + " (cached records: the MPL keyring, which cannot cache). *Time / floor*: a cached record's time over"
            + " the primitive floor's (`PrimitiveFloorBenchmark`), lower is better.\n\n");
    md.append(
        "| Scenario | Envelope | ESDK | raw AES-GCM | ours / ESDK | ours / raw | ours / other ESDK path"
            + " | time / floor | alloc B/op ours | alloc B/op ESDK | Target |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Comparison c : rows) {
      md.append("| ")
          .append(c.label())
          .append(" | ")
          .append(score(c, c.envelope()))
          .append(" | ")
          .append(score(c, c.esdk()))
          .append(" | ")
          .append(score(c, c.jce()))
          .append(" | ")
          .append(Units.ratio(c.versusEsdk()))
          .append(" | ")
          .append(Units.percent(c.versusJce()))
          .append(" | ")
          .append(Units.ratio(c.versusEsdkOtherPath()))
          .append(" | ")
          .append(Units.ratio(c.timeOverFloor()))
          .append(" | ")
          .append(c.envelope() == null ? "-" : Units.count(c.envelope().allocBytesPerOp()))
          .append(" | ")
          .append(c.esdk() == null ? "-" : Units.count(c.esdk().allocBytesPerOp()))
          .append(" | ")
          .append(verdicts(c))
          .append(" |\n");
    }
    md.append('\n');
  }

  private String verdicts(Comparison c) {
    List<String> marks = new ArrayList<>();
    for (Target t : targets) {
      t.judge(c).ifPresent(ok -> marks.add(t.shortForm() + " " + (ok ? "✅" : "❌")));
    }
    return marks.isEmpty() ? "" : String.join("; ", marks);
  }

  static String score(Comparison c, JmhResult r) {
    if (r == null) {
      return "-";
    }
    if (c.benchmarkClass().equals("StreamBenchmark")) {
      return Units.mibPerSecond(r.score() * c.bytesPerOp());
    }
    return Units.count(r.score()) + "/s";
  }

  private void renderJdkComparison(StringBuilder md) {
    List<String> jdks = new ArrayList<>(byJdk().keySet());
    String a = jdks.get(0);
    String b = jdks.get(jdks.size() - 1);
    md.append("## JDK ").append(a).append(" vs JDK ").append(b).append("\n\n");
    md.append("| Scenario | Envelope JDK ")
        .append(a)
        .append(" | Envelope JDK ")
        .append(b)
        .append(" | JDK ")
        .append(b)
        .append(" / ")
        .append(a)
        .append(" | ours / ESDK JDK ")
        .append(a)
        .append(" | ours / ESDK JDK ")
        .append(b)
        .append(" | ours / raw JDK ")
        .append(a)
        .append(" | ours / raw JDK ")
        .append(b)
        .append(" |\n|---|---|---|---|---|---|---|---|\n");
    int matched = 0;
    for (Comparison ca : byJdk().get(a)) {
      Comparison cb =
          byJdk().get(b).stream()
              .filter(x -> x.label().equals(ca.label()))
              .findFirst()
              .orElse(null);
      if (cb == null || ca.envelope() == null || cb.envelope() == null) {
        continue;
      }
      matched++;
      md.append("| ")
          .append(ca.label())
          .append(" | ")
          .append(score(ca, ca.envelope()))
          .append(" | ")
          .append(score(cb, cb.envelope()))
          .append(" | ")
          .append(Units.ratio(cb.envelope().score() / ca.envelope().score()))
          .append(" | ")
          .append(Units.ratio(ca.versusEsdk()))
          .append(" | ")
          .append(Units.ratio(cb.versusEsdk()))
          .append(" | ")
          .append(Units.percent(ca.versusJce()))
          .append(" | ")
          .append(Units.percent(cb.versusJce()))
          .append(" |\n");
    }
    if (matched == 0) {
      md.append("| (no scenario was measured on both JDKs) | | | | | | | |\n");
    }
    md.append('\n');
  }

  private void renderKms(StringBuilder md, KmsQuotaRun run) {
    md.append(
        String.format(
            Locale.ROOT,
            "## KMS quota: %d threads, quota %.0f requests/s, %.0f ms per request"
                + " (JDK %s)%n%n",
            run.threads(),
            run.quotaPerSecond(),
            run.kmsLatencyMillis(),
            run.jdkVersion()));
    md.append(
        "1 KiB records encrypted through `KmsKeyring` against the local KMS; `maxMessages` 0 means no cache;"
            + " *refresh ahead* fetches the next data key in the background at 90% of the bound, so callers do not"
            + " wait for KMS when a key runs out. *Limited by*: KMS quota (throttled, or within 80% of the quota ceiling),"
            + " CPU (within 80% of the best rate of the sweep), else waiting for KMS round trips."
            + " *Quota ceiling* is quota x maxMessages, the record rate the quota allows. KMS calls come from the local"
            + " KMS's audit log; *throttled* requests were retried by the AWS SDK, *errors at callers* survived the"
            + " retries.\n\n");
    md.append(
        "| maxMessages | refresh ahead | records/s | quota ceiling | limited by | KMS calls / M records"
            + " | expected | throttled (retried) | throttling errors at callers | p50 | p99 |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (KmsQuotaPoint p : run.points()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %s | %d | %d | %d | %s | %s |%n",
              p.maxMessages(),
              p.maxMessages() == 0 ? "-" : p.refreshAhead() ? "on" : "off",
              Units.count(p.recordsPerSecond()),
              Units.count(p.quotaCeiling(run.quotaPerSecond())),
              limit(p.limit(run.quotaPerSecond(), run.bestRecordsPerSecond())),
              Units.count(p.kmsCallsPerMillionRecords()),
              KmsQuotaPoint.expectedCallsPerMillion(p.maxMessages()),
              p.kmsThrottled(),
              p.callerThrottlingErrors(),
              micros(p.p50Micros()),
              micros(p.p99Micros())));
    }
    renderSmallFiles(md, run);
    double best = run.bestRecordsPerSecond();
    double target = run.targetRecordsPerSecond();
    md.append(
        String.format(
            Locale.ROOT,
            "%nSizing: this machine reached %s records/s with %d threads once the quota"
                + " stopped binding; the quota stops binding from maxMessages >= %d (best rate / quota). For a target of"
                + " %s records/s under a quota of %.0f requests/s, maxMessages must be at least %d; %d leaves half the"
                + " quota to other callers (KMS quotas are shared per account and Region). The same arithmetic holds"
                + " at real quotas: records/s <= quota x maxMessages.%n%n",
            Units.count(best),
            run.threads(),
            run.maxMessagesFor(best),
            Units.count(target),
            run.quotaPerSecond(),
            run.maxMessagesFor(target),
            run.maxMessagesFor(2 * target)));
  }

  private static String fleetScenario(FleetRun run) {
    return String.format(
        Locale.ROOT,
        "%d processes x %d threads, %d branch keys, TTL %s",
        run.processes(),
        run.threads(),
        run.branchKeys(),
        seconds(run.ttlSeconds()));
  }

  /** "48 = 3 x 4 x ceil(61.2 s / 20 s) + 6 for 4 rotations". */
  private static String boundText(FleetRun run, FleetResult r) {
    return String.format(
        Locale.ROOT,
        "%d = %d x %d x ceil(%s / %s)%s",
        r.kmsCallBound(),
        r.processes(),
        run.branchKeys(),
        seconds(r.windowSeconds()),
        seconds(run.ttlSeconds()),
        r.rotations() > 0
            ? " + " + r.rotationKmsCalls() + " for " + r.rotations() + " rotations"
            : "");
  }

  private void renderFleet(StringBuilder md, FleetRun run) {
    md.append(
        String.format(
            Locale.ROOT,
            "## Fleet: %d processes x %d threads, %d branch keys, TTL %s, quota %.0f requests/s,"
                + " %.0f ms per request (JDK %s)%n%n",
            run.processes(),
            run.threads(),
            run.branchKeys(),
            seconds(run.ttlSeconds()),
            run.quotaPerSecond(),
            run.kmsLatencyMillis(),
            run.jdkVersion()));
    md.append(
        String.format(
            Locale.ROOT,
            "%d separate JVMs of %d threads encrypt %s records for %s, each record with its own"
                + " encryption context (row-bound: tenant and row id), against one local KMS with a"
                + " request quota. *hierarchy*: `HierarchicalKeyring`s sharing one branch key store"
                + " (`JdbcBranchKeyStore` on an H2 server over TCP)%s; *kms-cache*: `KmsKeyring`"
                + " behind a data-key cache (TTL as max age) in every process. KMS calls come from"
                + " the local KMS's audit log (throttled attempts included); *bound*: processes x"
                + " branch keys x ceil(window / TTL), the window being a process's time from its"
                + " first branch key read to its last record, plus the rotations' own KMS calls."
                + " Rates and latencies are the processes' own; p50 and p99 are the worst process's.%n%n",
            run.processes(),
            run.threads(),
            Units.param("size", String.valueOf(run.recordSize())),
            seconds(run.seconds()),
            run.rotateMidRun() ? ", every branch key rotated once halfway through the run" : ""));
    md.append(
        "| fleet | records/s | KMS calls | KMS calls / M records | bound | throttled (retried)"
            + " | errors at callers | p50 | p99 |\n"
            + "|---|---|---|---|---|---|---|---|---|\n");
    for (FleetResult r : run.results()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %s | %s | %d | %d | %s | %s |%n",
              r.mode(),
              Units.count(r.recordsPerSecond()),
              r.kmsCalls(),
              Units.count(r.kmsCallsPerMillionRecords()),
              r.hierarchy() ? boundText(run, r) + " " + (r.withinBound() ? "✅" : "❌") : "-",
              r.kmsThrottled(),
              r.callerErrors(),
              micros(r.p50Micros()),
              micros(r.p99Micros())));
    }
    FleetResult h = run.mode(FleetResult.HIERARCHY).orElse(null);
    FleetResult k = run.mode(FleetResult.KMS_CACHE).orElse(null);
    if (h != null && k != null && h.kmsCallsPerMillionRecords() > 0 && k.recordsPerSecond() > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nThe hierarchy made %s fewer KMS calls per record and encrypted %s the records/s"
                  + " of the KMS keyring with a data-key cache.%n",
              Units.ratio(k.kmsCallsPerMillionRecords() / h.kmsCallsPerMillionRecords()),
              Units.ratio(h.recordsPerSecond() / k.recordsPerSecond())));
    }
    md.append('\n');
  }

  private static String seconds(double s) {
    return s == Math.rint(s)
        ? String.format(Locale.ROOT, "%.0f s", s)
        : String.format(Locale.ROOT, "%.1f s", s);
  }

  /** The many-small-files case: streams without and with a declared length, KMS calls saved. */
  private void renderSmallFiles(StringBuilder md, KmsQuotaRun run) {
    if (run.smallFiles().isEmpty()) {
      return;
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nMany small files: each thread encrypts files as streams through a cache of %d messages"
                + " per data key. Without a declared length a stream bypasses the cache (as in the AWS"
                + " Encryption SDK) and costs one `GenerateDataKey`; `encryptingStream(sink, context,"
                + " expectedLength)` lets the cache serve it.%n%n",
            run.smallFiles().get(0).maxMessages()));
    md.append(
        "| streams | file size | files/s | KMS calls / 1000 files | throttled (retried) | failed files"
            + " |\n|---|---|---|---|---|---|\n");
    for (SmallFilesPoint p : run.smallFiles()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %d | %d |%n",
              p.lengthDeclared() ? "with expectedLength" : "without length",
              Units.param("size", String.valueOf(p.fileSize())),
              Units.count(p.filesPerSecond()),
              Units.count(p.kmsCallsPerThousandFiles()),
              p.kmsThrottled(),
              p.errors()));
    }
    SmallFilesPoint without =
        run.smallFiles().stream().filter(p -> !p.lengthDeclared()).findFirst().orElse(null);
    SmallFilesPoint with =
        run.smallFiles().stream().filter(SmallFilesPoint::lengthDeclared).findFirst().orElse(null);
    if (without != null && with != null && with.kmsCallsPerThousandFiles() > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nDeclaring the length saves %.0f of every %.0f KMS calls per 1000 files (%s fewer) and"
                  + " runs %s the files/s.%n",
              without.kmsCallsPerThousandFiles() - with.kmsCallsPerThousandFiles(),
              without.kmsCallsPerThousandFiles(),
              Units.ratio(without.kmsCallsPerThousandFiles() / with.kmsCallsPerThousandFiles()),
              Units.ratio(with.filesPerSecond() / Math.max(without.filesPerSecond(), 1e-9))));
    }
    md.append('\n');
  }

  private static String limit(KmsQuotaPoint.Limit limit) {
    return switch (limit) {
      case KMS_QUOTA -> "KMS quota";
      case WAITING_FOR_KMS -> "waiting for KMS";
      case CPU -> "CPU";
    };
  }

  private static String micros(double us) {
    return us >= 1000
        ? String.format(Locale.ROOT, "%.1f ms", us / 1000)
        : String.format(Locale.ROOT, "%.0f us", us);
  }

  private static String major(String version) {
    int dot = version.indexOf('.');
    return dot < 0 ? version : version.substring(0, dot);
  }
}

package dev.envelope.benchmarks.report;

import dev.envelope.benchmarks.kms.KmsQuotaPoint;
import dev.envelope.benchmarks.kms.KmsQuotaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The KMS-quota benchmark's results as written next to the JMH JSON ({@code *-kms.json}) and read
 * back by the report.
 */
public record KmsQuotaRun(
    String jdkVersion,
    int threads,
    double quotaPerSecond,
    double kmsLatencyMillis,
    double targetRecordsPerSecond,
    List<KmsQuotaPoint> points) {

  public KmsQuotaRun {
    points = List.copyOf(points);
  }

  public static KmsQuotaRun of(KmsQuotaSettings s, String jdkVersion, List<KmsQuotaPoint> points) {
    return new KmsQuotaRun(
        jdkVersion,
        s.threads(),
        s.quotaPerSecond(),
        s.kmsLatency().toNanos() / 1e6,
        s.targetRecordsPerSecond(),
        points);
  }

  /** The best record rate of the sweep: what the CPU allows once the quota no longer binds. */
  public double bestRecordsPerSecond() {
    return points.stream().mapToDouble(KmsQuotaPoint::recordsPerSecond).max().orElse(0);
  }

  /** The smallest {@code maxMessages} whose quota ceiling covers {@code recordsPerSecond}. */
  public long maxMessagesFor(double recordsPerSecond) {
    return (long) Math.ceil(recordsPerSecond / quotaPerSecond);
  }

  public String toJson() {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"jdkVersion\": ").append(Json.quote(jdkVersion)).append(",\n");
    b.append(
        String.format(
            Locale.ROOT,
            "  \"threads\": %d,%n  \"quotaPerSecond\": %s,%n  \"kmsLatencyMillis\": %s,%n"
                + "  \"targetRecordsPerSecond\": %s,%n",
            threads,
            quotaPerSecond,
            kmsLatencyMillis,
            targetRecordsPerSecond));
    b.append("  \"points\": [");
    for (int i = 0; i < points.size(); i++) {
      KmsQuotaPoint p = points.get(i);
      b.append(i == 0 ? "\n" : ",\n")
          .append(
              String.format(
                  Locale.ROOT,
                  "    {\"maxMessages\": %d, \"refreshAhead\": %s, \"threads\": %d, \"seconds\": %.3f, \"records\": %d, \"kmsCalls\": %d,"
                      + " \"kmsThrottled\": %d, \"callerThrottlingErrors\": %d, \"otherErrors\": %d,"
                      + " \"p50Micros\": %.1f, \"p99Micros\": %.1f, \"maxMicros\": %.1f}",
                  p.maxMessages(),
                  p.refreshAhead(),
                  p.threads(),
                  p.seconds(),
                  p.records(),
                  p.kmsCalls(),
                  p.kmsThrottled(),
                  p.callerThrottlingErrors(),
                  p.otherErrors(),
                  p.p50Micros(),
                  p.p99Micros(),
                  p.maxMicros()));
    }
    return b.append("\n  ]\n}\n").toString();
  }

  public static KmsQuotaRun parse(String json) {
    Map<String, Object> o = Json.object(Json.parse(json));
    List<KmsQuotaPoint> points = new ArrayList<>();
    for (Object item : Json.array(o.get("points"))) {
      Map<String, Object> p = Json.object(item);
      points.add(
          new KmsQuotaPoint(
              lng(p, "maxMessages"),
              Boolean.TRUE.equals(p.get("refreshAhead")),
              (int) lng(p, "threads"),
              dbl(p, "seconds"),
              lng(p, "records"),
              lng(p, "kmsCalls"),
              lng(p, "kmsThrottled"),
              lng(p, "callerThrottlingErrors"),
              lng(p, "otherErrors"),
              dbl(p, "p50Micros"),
              dbl(p, "p99Micros"),
              dbl(p, "maxMicros")));
    }
    return new KmsQuotaRun(
        String.valueOf(o.get("jdkVersion")),
        (int) lng(o, "threads"),
        dbl(o, "quotaPerSecond"),
        dbl(o, "kmsLatencyMillis"),
        dbl(o, "targetRecordsPerSecond"),
        points);
  }

  private static double dbl(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing field " + key);
    }
    return Json.number(v);
  }

  private static long lng(Map<String, Object> o, String key) {
    return (long) dbl(o, key);
  }
}

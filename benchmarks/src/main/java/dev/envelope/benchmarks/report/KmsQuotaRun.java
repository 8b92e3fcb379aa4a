package dev.envelope.benchmarks.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.envelope.benchmarks.kms.KmsQuotaPoint;
import dev.envelope.benchmarks.kms.KmsQuotaSettings;
import dev.envelope.benchmarks.kms.SmallFilesPoint;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
    List<KmsQuotaPoint> points,
    List<SmallFilesPoint> smallFiles) {

  public KmsQuotaRun {
    points = List.copyOf(points);
    smallFiles = List.copyOf(smallFiles);
  }

  public static KmsQuotaRun of(
      KmsQuotaSettings s,
      String jdkVersion,
      List<KmsQuotaPoint> points,
      List<SmallFilesPoint> smallFiles) {
    return new KmsQuotaRun(
        jdkVersion,
        s.threads(),
        s.quotaPerSecond(),
        s.kmsLatency().toNanos() / 1e6,
        s.targetRecordsPerSecond(),
        points,
        smallFiles);
  }

  /** The best record rate of the sweep: what the CPU allows once the quota no longer binds. */
  public double bestRecordsPerSecond() {
    return points.stream().mapToDouble(KmsQuotaPoint::recordsPerSecond).max().orElse(0);
  }

  /** The smallest {@code maxMessages} whose quota ceiling covers {@code recordsPerSecond}. */
  public long maxMessagesFor(double recordsPerSecond) {
    return (long) Math.ceil(recordsPerSecond / quotaPerSecond);
  }

  /** This run as an indented JSON document, for {@link #parse}. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("jdkVersion", jdkVersion);
      g.writeNumberField("threads", threads);
      g.writeNumberField("quotaPerSecond", quotaPerSecond);
      g.writeNumberField("kmsLatencyMillis", kmsLatencyMillis);
      g.writeNumberField("targetRecordsPerSecond", targetRecordsPerSecond);
      g.writeArrayFieldStart("points");
      for (KmsQuotaPoint p : points) {
        g.writeStartObject();
        g.writeNumberField("maxMessages", p.maxMessages());
        g.writeBooleanField("refreshAhead", p.refreshAhead());
        g.writeNumberField("threads", p.threads());
        g.writeNumberField("seconds", p.seconds());
        g.writeNumberField("records", p.records());
        g.writeNumberField("kmsCalls", p.kmsCalls());
        g.writeNumberField("kmsThrottled", p.kmsThrottled());
        g.writeNumberField("callerThrottlingErrors", p.callerThrottlingErrors());
        g.writeNumberField("otherErrors", p.otherErrors());
        g.writeNumberField("p50Micros", p.p50Micros());
        g.writeNumberField("p99Micros", p.p99Micros());
        g.writeNumberField("maxMicros", p.maxMicros());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("smallFiles");
      for (SmallFilesPoint p : smallFiles) {
        g.writeStartObject();
        g.writeBooleanField("lengthDeclared", p.lengthDeclared());
        g.writeNumberField("threads", p.threads());
        g.writeNumberField("seconds", p.seconds());
        g.writeNumberField("files", p.files());
        g.writeNumberField("fileSize", p.fileSize());
        g.writeNumberField("maxMessages", p.maxMessages());
        g.writeNumberField("kmsCalls", p.kmsCalls());
        g.writeNumberField("kmsThrottled", p.kmsThrottled());
        g.writeNumberField("errors", p.errors());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  public static KmsQuotaRun parse(String json) {
    Map<String, Object> o = Json.object(Json.parse(json));
    List<KmsQuotaPoint> points = new ArrayList<>();
    for (Object item : Json.array(o.get("points"))) {
      Map<String, Object> p = Json.object(item);
      points.add(
          new KmsQuotaPoint(
              Json.requiredLong(p, "maxMessages"),
              Boolean.TRUE.equals(p.get("refreshAhead")),
              (int) Json.requiredLong(p, "threads"),
              Json.requiredNumber(p, "seconds"),
              Json.requiredLong(p, "records"),
              Json.requiredLong(p, "kmsCalls"),
              Json.requiredLong(p, "kmsThrottled"),
              Json.requiredLong(p, "callerThrottlingErrors"),
              Json.requiredLong(p, "otherErrors"),
              Json.requiredNumber(p, "p50Micros"),
              Json.requiredNumber(p, "p99Micros"),
              Json.requiredNumber(p, "maxMicros")));
    }
    List<SmallFilesPoint> smallFiles = new ArrayList<>();
    // Absent from runs before the many-small-files case existed.
    Object small = o.get("smallFiles");
    for (Object item : small == null ? List.of() : Json.array(small)) {
      Map<String, Object> p = Json.object(item);
      smallFiles.add(
          new SmallFilesPoint(
              Boolean.TRUE.equals(p.get("lengthDeclared")),
              (int) Json.requiredLong(p, "threads"),
              Json.requiredNumber(p, "seconds"),
              Json.requiredLong(p, "files"),
              (int) Json.requiredLong(p, "fileSize"),
              Json.requiredLong(p, "maxMessages"),
              Json.requiredLong(p, "kmsCalls"),
              Json.requiredLong(p, "kmsThrottled"),
              Json.requiredLong(p, "errors")));
    }
    return new KmsQuotaRun(
        String.valueOf(o.get("jdkVersion")),
        (int) Json.requiredLong(o, "threads"),
        Json.requiredNumber(o, "quotaPerSecond"),
        Json.requiredNumber(o, "kmsLatencyMillis"),
        Json.requiredNumber(o, "targetRecordsPerSecond"),
        points,
        smallFiles);
  }
}

package dev.envelope.benchmarks.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.envelope.benchmarks.fleet.FleetResult;
import dev.envelope.benchmarks.fleet.FleetSettings;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet benchmark's results as written next to the JMH JSON ({@code *-fleet.json}) and read
 * back by the report: the settings, then one result per mode (hierarchy, kms-cache).
 */
public record FleetRun(
    String jdkVersion,
    int processes,
    int threads,
    int branchKeys,
    double seconds,
    double ttlSeconds,
    double quotaPerSecond,
    double kmsLatencyMillis,
    int recordSize,
    boolean rotateMidRun,
    List<FleetResult> results) {

  public FleetRun {
    results = List.copyOf(results);
  }

  public static FleetRun of(FleetSettings s, String jdkVersion, List<FleetResult> results) {
    return new FleetRun(
        jdkVersion,
        s.processes(),
        s.threads(),
        s.branchKeys(),
        s.duration().toMillis() / 1e3,
        s.ttl().toMillis() / 1e3,
        s.quotaPerSecond(),
        s.kmsLatency().toNanos() / 1e6,
        s.recordSize(),
        s.rotateMidRun(),
        results);
  }

  public Optional<FleetResult> mode(String mode) {
    return results.stream().filter(r -> r.mode().equals(mode)).findFirst();
  }

  /** This run as an indented JSON document, for {@link #parse}. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("jdkVersion", jdkVersion);
      g.writeNumberField("processes", processes);
      g.writeNumberField("threads", threads);
      g.writeNumberField("branchKeys", branchKeys);
      g.writeNumberField("seconds", seconds);
      g.writeNumberField("ttlSeconds", ttlSeconds);
      g.writeNumberField("quotaPerSecond", quotaPerSecond);
      g.writeNumberField("kmsLatencyMillis", kmsLatencyMillis);
      g.writeNumberField("recordSize", recordSize);
      g.writeBooleanField("rotateMidRun", rotateMidRun);
      g.writeArrayFieldStart("results");
      for (FleetResult r : results) {
        g.writeStartObject();
        g.writeStringField("mode", r.mode());
        g.writeNumberField("processes", r.processes());
        g.writeNumberField("threads", r.threads());
        g.writeNumberField("seconds", r.seconds());
        g.writeNumberField("windowSeconds", r.windowSeconds());
        g.writeNumberField("records", r.records());
        g.writeNumberField("kmsCalls", r.kmsCalls());
        g.writeNumberField("kmsThrottled", r.kmsThrottled());
        g.writeNumberField("callerErrors", r.callerErrors());
        g.writeNumberField("p50Micros", r.p50Micros());
        g.writeNumberField("p99Micros", r.p99Micros());
        g.writeNumberField("rotations", r.rotations());
        g.writeNumberField("rotationKmsCalls", r.rotationKmsCalls());
        g.writeNumberField("kmsCallBound", r.kmsCallBound());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  /**
   * @throws IllegalArgumentException if a field is missing or not a number where one belongs
   */
  public static FleetRun parse(String json) {
    Map<String, Object> o = Json.object(Json.parse(json));
    List<FleetResult> results = new ArrayList<>();
    for (Object item : Json.array(o.get("results"))) {
      Map<String, Object> r = Json.object(item);
      Object mode = r.get("mode");
      if (!(mode instanceof String m)) {
        throw new IllegalArgumentException("missing field mode");
      }
      results.add(
          new FleetResult(
              m,
              (int) Json.requiredLong(r, "processes"),
              (int) Json.requiredLong(r, "threads"),
              Json.requiredNumber(r, "seconds"),
              Json.requiredNumber(r, "windowSeconds"),
              Json.requiredLong(r, "records"),
              Json.requiredLong(r, "kmsCalls"),
              Json.requiredLong(r, "kmsThrottled"),
              Json.requiredLong(r, "callerErrors"),
              Json.requiredNumber(r, "p50Micros"),
              Json.requiredNumber(r, "p99Micros"),
              (int) Json.requiredLong(r, "rotations"),
              Json.requiredLong(r, "rotationKmsCalls"),
              Json.requiredLong(r, "kmsCallBound")));
    }
    return new FleetRun(
        String.valueOf(o.get("jdkVersion")),
        (int) Json.requiredLong(o, "processes"),
        (int) Json.requiredLong(o, "threads"),
        (int) Json.requiredLong(o, "branchKeys"),
        Json.requiredNumber(o, "seconds"),
        Json.requiredNumber(o, "ttlSeconds"),
        Json.requiredNumber(o, "quotaPerSecond"),
        Json.requiredNumber(o, "kmsLatencyMillis"),
        (int) Json.requiredLong(o, "recordSize"),
        Boolean.TRUE.equals(o.get("rotateMidRun")),
        results);
  }
}

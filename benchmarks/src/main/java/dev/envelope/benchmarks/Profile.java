package dev.envelope.benchmarks;

import dev.envelope.benchmarks.fleet.FleetSettings;
import dev.envelope.benchmarks.kms.KmsQuotaSettings;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How long and how widely to measure. {@code full} is the manual run whose figures go in the
 * README: the iterations, forks and parameters in the benchmarks' annotations, plus the GC
 * profiler. {@code short} is a smoke run of seconds for CI and for checking a change: one tiny
 * iteration, in-process (no fork), a reduced parameter set, a 8 MiB stream, a fleet of two JVMs for
 * three seconds; its numbers are not figures.
 */
public enum Profile {
  FULL(null, null, null, null, null, Map.of(), KmsQuotaSettings.full(), FleetSettings.full()),
  SHORT(
      0,
      1,
      TimeValue.milliseconds(200),
      1,
      TimeValue.milliseconds(300),
      Map.of(
          "size", List.of("64", "1024"), "frameSize", List.of("65536"), "streamMiB", List.of("8")),
      KmsQuotaSettings.quick(),
      FleetSettings.quick());

  /** Null where the benchmark's own annotation applies. */
  final Integer forks;

  final Integer warmupIterations;
  final TimeValue warmupTime;
  final Integer measurementIterations;
  final TimeValue measurementTime;

  /** JMH parameters this profile overrides (unless the command line sets them). */
  final Map<String, List<String>> params;

  final KmsQuotaSettings kms;
  final FleetSettings fleet;

  Profile(
      Integer forks,
      Integer warmupIterations,
      TimeValue warmupTime,
      Integer measurementIterations,
      TimeValue measurementTime,
      Map<String, List<String>> params,
      KmsQuotaSettings kms,
      FleetSettings fleet) {
    this.forks = forks;
    this.warmupIterations = warmupIterations;
    this.warmupTime = warmupTime;
    this.measurementIterations = measurementIterations;
    this.measurementTime = measurementTime;
    this.params = params;
    this.kms = kms;
    this.fleet = fleet;
  }

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Profile of(String id) {
    for (Profile p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown profile '" + id + "': use short or full");
  }
}

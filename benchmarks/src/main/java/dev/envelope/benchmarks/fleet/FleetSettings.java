package dev.envelope.benchmarks.fleet;

import java.time.Duration;

/**
 * One fleet run: {@code processes} JVMs of {@code threads} threads each encrypt records of {@code
 * recordSize} bytes for {@code duration}, each record with its own encryption context spread over
 * {@code branchKeys} tenants, against a local KMS allowing {@code quotaPerSecond} requests per
 * second with {@code kmsLatency}. The hierarchical keyrings and the data-key caches of the
 * KMS-keyring fleet both keep keys for {@code ttl}. With {@code rotateMidRun}, every branch key is
 * rotated once halfway through the hierarchy's run.
 */
public record FleetSettings(
    int processes,
    int threads,
    int branchKeys,
    Duration duration,
    Duration ttl,
    double quotaPerSecond,
    Duration kmsLatency,
    int recordSize,
    boolean rotateMidRun) {

  public FleetSettings {
    if (processes < 1 || threads < 1 || branchKeys < 1 || recordSize < 1) {
      throw new IllegalArgumentException(
          "processes, threads, branch keys and record size must be at least 1");
    }
    if (duration.toSeconds() < 1 || ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("duration and ttl must be at least 1 second");
    }
    if (quotaPerSecond <= 0) {
      throw new IllegalArgumentException("quotaPerSecond must be positive");
    }
  }

  /**
   * The full profile: 3 processes x 4 threads, 4 branch keys, 60 s, TTL 20 s, quota 200 req/s, 2 ms
   * latency, 1 KiB records, one rotation of every branch key halfway.
   */
  public static FleetSettings full() {
    return new FleetSettings(
        3,
        4,
        4,
        Duration.ofSeconds(60),
        Duration.ofSeconds(20),
        200,
        Duration.ofMillis(2),
        1024,
        true);
  }

  /** The short profile: 2 processes x 2 threads, 2 branch keys, 3 s, TTL 2 s, quota 50 req/s. */
  public static FleetSettings quick() {
    return new FleetSettings(
        2, 2, 2, Duration.ofSeconds(3), Duration.ofSeconds(2), 50, Duration.ofMillis(1), 256, true);
  }
}

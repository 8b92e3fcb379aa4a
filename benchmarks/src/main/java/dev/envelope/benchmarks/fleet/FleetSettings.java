package dev.envelope.benchmarks.fleet;

import java.time.Duration;

/**
 * One fleet run: {@code processes} JVMs of {@code threads} threads each encrypt records of {@code
 * recordSize} bytes for {@code duration}, each record with its own encryption context spread over
 * {@code branchKeys} tenants, against a local KMS allowing {@code quotaPerSecond} requests per
 * second with {@code kmsLatency}. The hierarchical keyrings and the data-key caches of the
 * KMS-keyring fleet both keep keys for {@code ttl}.
 */
public record FleetSettings(
    int processes,
    int threads,
    int branchKeys,
    Duration duration,
    Duration ttl,
    double quotaPerSecond,
    Duration kmsLatency,
    int recordSize) {

  public FleetSettings {
    if (processes < 1 || threads < 1 || branchKeys < 1 || recordSize < 1) {
      throw new IllegalArgumentException(
          "processes, threads, branch keys and record size must be at least 1");
    }
    if (duration.isNegative() || duration.isZero() || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("duration and ttl must be positive");
    }
  }

  /**
   * A short run: 3 processes x 4 threads, 4 branch keys, 20 s, TTL 10 s, quota 200 req/s, 2 ms
   * latency.
   */
  public static FleetSettings defaults() {
    return new FleetSettings(
        3, 4, 4, Duration.ofSeconds(20), Duration.ofSeconds(10), 200, Duration.ofMillis(2), 1024);
  }
}

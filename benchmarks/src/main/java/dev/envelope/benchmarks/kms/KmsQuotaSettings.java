package dev.envelope.benchmarks.kms;

import java.time.Duration;
import java.util.List;

/**
 * What the KMS-quota benchmark sweeps and under which conditions.
 *
 * @param threads caller threads encrypting records concurrently
 * @param quotaPerSecond the local KMS's request quota for cryptographic operations (token bucket)
 * @param kmsLatency latency the local KMS adds to every request (a network round trip)
 * @param pointDuration how long each cache bound is measured
 * @param warmup how long to warm up (JIT, HTTP connections) before the sweep, with the quota off
 * @param maxMessagesSweep cache bounds to measure; 0 means no cache (one GenerateDataKey per
 *     record)
 * @param recordSize plaintext bytes per record
 * @param targetRecordsPerSecond the record rate a user wants; the report says what bound it needs
 * @param compareRefreshAhead measure each cache bound with refresh-ahead off and on
 * @param smallFileSize plaintext bytes per file of the many-small-files case (streams with and
 *     without a declared length); 0 skips it
 */
public record KmsQuotaSettings(
    int threads,
    double quotaPerSecond,
    Duration kmsLatency,
    Duration pointDuration,
    Duration warmup,
    List<Long> maxMessagesSweep,
    int recordSize,
    double targetRecordsPerSecond,
    boolean compareRefreshAhead,
    int smallFileSize) {

  public KmsQuotaSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (quotaPerSecond <= 0) {
      throw new IllegalArgumentException("quotaPerSecond must be positive");
    }
    maxMessagesSweep = List.copyOf(maxMessagesSweep);
  }

  /** The full profile: 4 threads against 50 requests/s and 10 ms per request, 10 s per bound. */
  public static KmsQuotaSettings full() {
    return new KmsQuotaSettings(
        4,
        50,
        Duration.ofMillis(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        List.of(0L, 1L, 10L, 100L, 1_000L, 10_000L, 100_000L),
        1024,
        100_000,
        true,
        16 * 1024);
  }

  /** The short profile: the same shape in a few seconds. */
  public static KmsQuotaSettings quick() {
    return new KmsQuotaSettings(
        2,
        50,
        Duration.ofMillis(10),
        Duration.ofMillis(700),
        Duration.ofMillis(500),
        List.of(0L, 100L, 10_000L),
        1024,
        100_000,
        true,
        16 * 1024);
  }

  public KmsQuotaSettings withThreads(int n) {
    return new KmsQuotaSettings(
        n,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withQuota(double perSecond) {
    return new KmsQuotaSettings(
        threads,
        perSecond,
        kmsLatency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withLatency(Duration latency) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        latency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withPointDuration(Duration d) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        d,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withWarmup(Duration d) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        d,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withSweep(List<Long> sweep) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        warmup,
        sweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withCompareRefreshAhead(boolean compare) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compare,
        smallFileSize);
  }

  public KmsQuotaSettings withTargetRate(double recordsPerSecond) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        recordsPerSecond,
        compareRefreshAhead,
        smallFileSize);
  }

  public KmsQuotaSettings withSmallFileSize(int bytes) {
    return new KmsQuotaSettings(
        threads,
        quotaPerSecond,
        kmsLatency,
        pointDuration,
        warmup,
        maxMessagesSweep,
        recordSize,
        targetRecordsPerSecond,
        compareRefreshAhead,
        bytes);
  }
}

package dev.envelope.benchmarks.fleet;

import java.util.Locale;

/**
 * What one fleet run measured. KMS calls are what the local KMS's audit log saw during the run
 * (every operation, throttled requests and retries included); records and latencies are what the
 * processes reported.
 *
 * @param mode {@code hierarchy} (hierarchical keyrings sharing one branch key store) or {@code
 *     kms-cache} (KMS keyring with a data-key cache in every process)
 * @param seconds the longest measured time of a process (after its warm-up)
 * @param windowSeconds the longest time of a process from its first branch key read to its last
 *     record: what the bound counts TTLs in
 * @param rotations branch key rotations made while the fleet ran
 * @param rotationKmsCalls the KMS calls those rotations made (everything but the fleet's {@code
 *     Decrypt}s)
 * @param kmsCallBound for the hierarchy, the bound: processes x branch keys x ceil(window /
 *     TTL) branch key reads, plus the rotations' calls; 0 for the KMS keyring (no such bound)
 * @param p99Micros the worst p99 encryption latency among the processes
 */
public record FleetResult(
    String mode,
    int processes,
    int threads,
    double seconds,
    double windowSeconds,
    long records,
    long kmsCalls,
    long kmsThrottled,
    long callerErrors,
    double p50Micros,
    double p99Micros,
    int rotations,
    long rotationKmsCalls,
    long kmsCallBound) {

  public static final String HIERARCHY = "hierarchy";
  public static final String KMS_CACHE = "kms-cache";

  public boolean hierarchy() {
    return HIERARCHY.equals(mode);
  }

  public double recordsPerSecond() {
    return seconds <= 0 ? 0 : records / seconds;
  }

  public double kmsCallsPerMillionRecords() {
    return records == 0 ? 0 : kmsCalls * 1e6 / records;
  }

  /** True for the KMS keyring, and for the hierarchy when its KMS calls stayed within the bound. */
  public boolean withinBound() {
    return kmsCallBound == 0 || kmsCalls <= kmsCallBound;
  }

  /**
   * The bound's branch key reads: processes x branch keys x ceil(window / TTL); 0 for the KMS
   * keyring.
   */
  public long readBound() {
    return kmsCallBound == 0 ? 0 : kmsCallBound - rotationKmsCalls;
  }

  public String line() {
    return String.format(
        Locale.ROOT,
        "%-9s %d x %d: %10.0f records/s  %10.1f KMS calls/M records"
            + "  (%d KMS calls%s, %d throttled, %d caller errors)  p50 %.0f us  p99 %.0f us",
        mode,
        processes,
        threads,
        recordsPerSecond(),
        kmsCallsPerMillionRecords(),
        kmsCalls,
        kmsCallBound > 0
            ? ", bound "
                + kmsCallBound
                + (rotations > 0
                    ? " = "
                        + readBound()
                        + " reads + "
                        + rotationKmsCalls
                        + " for "
                        + rotations
                        + " rotations"
                    : "")
            : "",
        kmsThrottled,
        callerErrors,
        p50Micros,
        p99Micros);
  }
}

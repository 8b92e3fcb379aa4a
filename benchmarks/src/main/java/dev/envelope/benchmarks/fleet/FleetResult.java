package dev.envelope.benchmarks.fleet;

/**
 * What one fleet run measured. KMS calls are what the local KMS's audit log saw during the run
 * (every operation, throttled requests and retries included); records and latencies are what the
 * processes reported.
 *
 * @param mode {@code hierarchy} (hierarchical keyrings sharing one branch key store) or {@code
 *     kms-cache} (KMS keyring with a data-key cache in every process)
 * @param kmsCallBound for the hierarchy, the specification's bound: processes x branch keys x
 *     ceil(run / TTL) Decrypt calls; 0 for the KMS keyring (no such bound)
 * @param p99Micros the worst p99 encryption latency among the processes
 */
public record FleetResult(
    String mode,
    int processes,
    int threads,
    double seconds,
    long records,
    long kmsCalls,
    long kmsThrottled,
    long callerErrors,
    double p50Micros,
    double p99Micros,
    long kmsCallBound) {

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

  public String line() {
    return String.format(
        java.util.Locale.ROOT,
        "%-9s %d x %d: %10.0f records/s  %10.1f KMS calls/M records"
            + "  (%d KMS calls%s, %d throttled, %d caller errors)  p50 %.0f us  p99 %.0f us",
        mode,
        processes,
        threads,
        recordsPerSecond(),
        kmsCallsPerMillionRecords(),
        kmsCalls,
        kmsCallBound > 0 ? ", bound " + kmsCallBound : "",
        kmsThrottled,
        callerErrors,
        p50Micros,
        p99Micros);
  }
}

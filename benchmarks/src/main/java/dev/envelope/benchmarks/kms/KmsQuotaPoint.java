package dev.envelope.benchmarks.kms;

/**
 * What one cache bound achieved against the rate-limited local KMS.
 *
 * @param maxMessages messages per cached data key; 0 means no cache
 * @param refreshAhead whether the cache fetched the next data key in the background before the
 *     current one ran out (otherwise callers wait for KMS each time a key is exhausted)
 * @param threads caller threads
 * @param seconds wall time from start until the last caller thread finished
 * @param records records encrypted successfully
 * @param kmsCalls GenerateDataKey requests KMS answered successfully (from its audit log)
 * @param kmsThrottled requests KMS answered with ThrottlingException (the AWS SDK retries these)
 * @param callerThrottlingErrors ThrottlingException that reached the application after the SDK's
 *     retries
 * @param otherErrors any other failure seen by callers
 * @param p50Micros median time to encrypt one record, as the caller sees it
 * @param p99Micros 99th percentile of the same
 * @param maxMicros slowest record
 */
public record KmsQuotaPoint(
    long maxMessages,
    boolean refreshAhead,
    int threads,
    double seconds,
    long records,
    long kmsCalls,
    long kmsThrottled,
    long callerThrottlingErrors,
    long otherErrors,
    double p50Micros,
    double p99Micros,
    double maxMicros) {

  public double recordsPerSecond() {
    return seconds > 0 ? records / seconds : 0;
  }

  /** Successful KMS calls per million records. */
  public double kmsCallsPerMillionRecords() {
    return records > 0 ? kmsCalls * 1e6 / records : 0;
  }

  /**
   * The fewest GenerateDataKey calls these records need: one per record without a cache, otherwise
   * one per {@code maxMessages} records.
   */
  public long expectedKmsCalls() {
    return maxMessages == 0 ? records : (records + maxMessages - 1) / maxMessages;
  }

  /**
   * The target: ceil(1e6 / maxMessages) per million records, exact within one call per
   * thread.
   */
  public static long expectedCallsPerMillion(long maxMessages) {
    return maxMessages == 0 ? 1_000_000 : (1_000_000 + maxMessages - 1) / maxMessages;
  }

  /**
   * The calls are as few as the bound allows: at least one per {@code maxMessages} records (a key
   * never serves more) and at most one per thread more (threads may hold a data key whose uses are
   * counted but not yet finished when the run stops, and a failed record may have consumed a call).
   */
  public boolean kmsCallsWithinBound() {
    long expected = expectedKmsCalls();
    return kmsCalls >= expected
        && kmsCalls <= expected + threads + callerThrottlingErrors + otherErrors;
  }

  /** Records/s the quota allows at this bound: each KMS call serves {@code maxMessages} records. */
  public double quotaCeiling(double quotaPerSecond) {
    return quotaPerSecond * Math.max(1, maxMessages);
  }

  /** What limits the record rate at a point, as the report names it. */
  public enum Limit {
    KMS_QUOTA,
    WAITING_FOR_KMS,
    CPU
  }

  /**
   * The quota limits when KMS throttled or the rate is within 80% of what the quota allows; the CPU
   * limits when the rate is within 80% of the best rate the sweep reached (with the cache making
   * KMS irrelevant); otherwise callers spend their time waiting for KMS round trips (latency, not
   * quota).
   */
  public Limit limit(double quotaPerSecond, double bestRecordsPerSecond) {
    if (kmsThrottled > 0 || recordsPerSecond() >= 0.8 * quotaCeiling(quotaPerSecond)) {
      return Limit.KMS_QUOTA;
    }
    if (recordsPerSecond() >= 0.8 * bestRecordsPerSecond) {
      return Limit.CPU;
    }
    return Limit.WAITING_FOR_KMS;
  }
}

package dev.envelope.samples.tuning;

/**
 * A deliberately simple model of the KMS calls a data-key cache makes, for sizing its bounds.
 *
 * <p>Records arrive at {@code r} per second, spread evenly over {@code C} distinct encryption
 * contexts (each context has its own cache entry). An entry is replaced after {@code maxMessages}
 * uses or at {@code maxAge}, whichever comes first, so one context costs {@code max(r/C /
 * maxMessages, 1/maxAge)} calls per second, but never more than its record rate {@code r/C} (a key
 * cannot be fetched more often than it is asked for). Summed over contexts:
 *
 * <pre>
 *   calls/s ≈ min(r, max(r / maxMessages, C / maxAge))
 * </pre>
 *
 * <p>Ignored on purpose: bursts (the average hides them), refresh-ahead (adds up to ~11%), eviction
 * for capacity (size the cache to hold C entries, then it does not happen), retries, and
 * decryption, whose entries are bounded by age only. With a per-call latency {@code L}, Little's
 * law gives the concurrent KMS requests in flight as {@code calls/s × L}, and a cache miss delays
 * its record by {@code L}.
 */
public record CacheModel(
    double recordsPerSecond, long distinctContexts, long maxMessages, double maxAgeSeconds) {
  public CacheModel {
    if (recordsPerSecond <= 0 || distinctContexts < 1 || maxMessages < 1 || maxAgeSeconds <= 0) {
      throw new IllegalArgumentException("rate, contexts, maxMessages and maxAge must be positive");
    }
  }

  /** Expected KMS {@code GenerateDataKey} calls per second. */
  public double kmsCallsPerSecond() {
    double byUses = recordsPerSecond / maxMessages;
    double byAge = distinctContexts / maxAgeSeconds;
    return Math.min(recordsPerSecond, Math.max(byUses, byAge));
  }

  /** Fraction of records that wait for KMS (cache misses). */
  public double missRatio() {
    return kmsCallsPerSecond() / recordsPerSecond;
  }

  /** KMS requests in flight on average for a call latency (Little's law). */
  public double concurrentCalls(double latencySeconds) {
    return kmsCallsPerSecond() * latencySeconds;
  }

  /**
   * The model's {@code calls/s} for a cache with this {@code maxMessages} and the same other
   * inputs.
   */
  public CacheModel withMaxMessages(long m) {
    return new CacheModel(recordsPerSecond, distinctContexts, m, maxAgeSeconds);
  }
}

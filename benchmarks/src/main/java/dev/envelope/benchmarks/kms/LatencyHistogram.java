package dev.envelope.benchmarks.kms;

/**
 * Per-record latencies in log-linear buckets (64 per power of two, so a reported percentile is at
 * most about 1.6% above the true value), in constant memory however many records a run makes. One
 * per thread, merged at the end; not thread-safe.
 */
public final class LatencyHistogram {
  private static final int SUB_BUCKET_BITS = 6;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;

  /** 64 exact buckets, then 64 per power of two for shifts 0..56 (values up to Long.MAX_VALUE). */
  private final long[] counts = new long[SUB_BUCKETS + (63 - SUB_BUCKET_BITS) * SUB_BUCKETS];

  private long total;
  private long max;

  public void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  public void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  public long count() {
    return total;
  }

  public long max() {
    return max;
  }

  /**
   * The smallest recorded-value bucket's upper bound such that at least {@code quantile} of the
   * values are at or below it (capped at the maximum seen); 0 when empty.
   */
  public long percentile(double quantile) {
    if (quantile < 0 || quantile > 1) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + quantile);
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, upperBound(i));
      }
    }
    return max;
  }

  /**
   * Values below 64 get a bucket each; from 64 up, each power of two is cut into 64 equal buckets,
   * so a bucket is at most 1/64 of the values in it wide.
   */
  static int index(long v) {
    if (v < SUB_BUCKETS) {
      return (int) v;
    }
    int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BUCKET_BITS; // >= 0
    int top = (int) (v >>> shift); // 64..127
    return SUB_BUCKETS + shift * SUB_BUCKETS + (top - SUB_BUCKETS);
  }

  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int shift = (index - SUB_BUCKETS) / SUB_BUCKETS;
    long top = SUB_BUCKETS + (index - SUB_BUCKETS) % SUB_BUCKETS;
    return ((top + 1) << shift) - 1;
  }
}

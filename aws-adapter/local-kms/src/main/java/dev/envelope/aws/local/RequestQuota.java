package dev.envelope.aws.local;

import dev.envelope.aws.policy.KmsOperation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared request quota of the symmetric cryptographic operations: one token bucket per account
 * and Region, refilled continuously at the configured rate, holding at most one second of requests
 * (the service measures its quotas per second). A rate of zero or less turns the quota off.
 */
final class RequestQuota {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile double requestsPerSecond;

  RequestQuota(double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  void setRequestsPerSecond(double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
    buckets.clear();
  }

  double requestsPerSecond() {
    return requestsPerSecond;
  }

  /**
   * Takes one token for this account and Region, or returns false when the bucket is empty.
   * Operations outside the symmetric cryptographic quota group always pass: the local KMS holds
   * symmetric encryption keys only and models no other quota.
   */
  boolean tryAcquire(KmsOperation operation, String accountId, String region, long nowNanos) {
    double rate = requestsPerSecond;
    if (rate <= 0 || operation.quotaGroup() != KmsOperation.QuotaGroup.SYMMETRIC_CRYPTOGRAPHIC) {
      return true;
    }
    Bucket b = buckets.computeIfAbsent(accountId + "/" + region, k -> new Bucket(rate, nowNanos));
    return b.tryAcquire(rate, nowNanos);
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double capacity, long now) {
      this.tokens = Math.max(1, capacity);
      this.last = now;
    }

    synchronized boolean tryAcquire(double rate, long now) {
      double capacity = Math.max(1, rate);
      tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}

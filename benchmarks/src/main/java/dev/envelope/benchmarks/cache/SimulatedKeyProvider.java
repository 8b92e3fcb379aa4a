package dev.envelope.benchmarks.cache;

import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A keyring that behaves like a remote key provider such as KMS: each call waits for a token from a
 * request quota (a token bucket refilled at {@code requestsPerSecond}, as KMS shares one quota per account
 * and Region) and then for the round trip ({@code latencyNanos}), before a wrapped keyring does the work.
 *
 * <p>Where KMS answers a call over the quota with {@code ThrottlingException} and the client backs off and
 * retries, this provider makes the caller wait for the next token: the same throughput, without modelling
 * retry jitter. It counts calls and how many had to wait.
 */
final class SimulatedKeyProvider implements Keyring {
  private final Keyring delegate;
  private final double requestsPerSecond;
  private final double burst;
  private final long latencyNanos;
  private final LongAdder calls = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private double tokens;
  private long refilledAt = System.nanoTime();

  /**
   * @param burst tokens the bucket holds when full: how many calls may go at once after a quiet spell
   */
  SimulatedKeyProvider(Keyring delegate, double requestsPerSecond, double burst, long latencyNanos) {
    this.delegate = delegate;
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.latencyNanos = latencyNanos;
    this.tokens = burst;
  }

  long calls() {
    return calls.sum();
  }

  long throttled() {
    return throttled.sum();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    request();
    return delegate.onEncrypt(materials);
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    request();
    return delegate.onDecrypt(materials, encryptedDataKeys);
  }

  private void request() {
    calls.increment();
    long wait = takeToken();
    if (wait > 0) {
      throttled.increment();
      LockSupport.parkNanos(wait);
    }
    if (latencyNanos > 0) {
      LockSupport.parkNanos(latencyNanos);
    }
  }

  /** Takes a token, possibly going into debt; returns how long the caller must wait for it to exist. */
  private synchronized long takeToken() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - refilledAt) * requestsPerSecond / 1e9);
    refilledAt = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / requestsPerSecond);
  }
}

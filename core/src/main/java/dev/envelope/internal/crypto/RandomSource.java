package dev.envelope.internal.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * One DRBG per thread: a shared {@code SecureRandom} serializes every caller on one lock, which
 * shows up at hundreds of thousands of messages per second.
 */
public final class RandomSource {
  private static final ThreadLocal<SecureRandom> PER_THREAD =
      ThreadLocal.withInitial(RandomSource::create);

  private RandomSource() {}

  public static SecureRandom get() {
    return PER_THREAD.get();
  }

  private static SecureRandom create() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}

package dev.envelope.keyring;

import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A plaintext data key. It owns its bytes and zeroes them on {@link #destroy()} (or {@link
 * #close()}); whoever holds the {@code DataKey} last destroys it. {@code toString} never shows key
 * bytes.
 *
 * <p>Zeroing covers this array only. The JCE keeps its own copies inside {@code SecretKeySpec} and
 * {@code Cipher} objects, which Envelope cannot reach; those are short-lived and become garbage
 * after use.
 */
public final class DataKey implements Destroyable, AutoCloseable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private DataKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes ownership of {@code bytes}: the caller must not use or zero them afterwards. */
  public static DataKey wrap(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("a data key needs at least one byte");
    }
    return new DataKey(bytes);
  }

  /**
   * A key holding its own copy of {@code bytes}; the caller still owns (and should zero) the
   * original.
   */
  public static DataKey copyOf(byte[] bytes) {
    return wrap(bytes.clone());
  }

  /** A key holding its own copy of this key's bytes, destroyed independently of this one. */
  public DataKey copy() {
    return copyOf(bytes());
  }

  public int length() {
    return bytes.length;
  }

  /**
   * The live key bytes, not a copy, so that keyrings can wrap the key without leaving copies
   * behind. Do not modify or keep the array.
   *
   * @throws IllegalStateException once destroyed
   */
  public byte[] bytes() {
    if (destroyed) {
      throw new IllegalStateException("data key already destroyed");
    }
    return bytes;
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return destroyed ? "DataKey[destroyed]" : "DataKey[" + bytes.length + " bytes]";
  }
}

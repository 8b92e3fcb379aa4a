package dev.envelope.internal.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A {@link SecretKey} over an array this object owns and zeroes on {@link #destroy()}, unlike
 * {@link javax.crypto.spec.SecretKeySpec}, whose private copy JDK 17 cannot destroy. The JCE asks
 * for {@link #getEncoded()} when a cipher or MAC is initialised and keeps its own expanded form
 * until that object is initialised again; callers re-initialise thread-local engines after use for
 * that reason.
 */
public final class OwnedKey implements SecretKey {
  private static final long serialVersionUID = 1L;

  private final String algorithm;
  private final transient byte[] bytes;
  private transient volatile boolean destroyed;

  /** Takes ownership of {@code bytes}. */
  public OwnedKey(byte[] bytes, String algorithm) {
    this.bytes = bytes;
    this.algorithm = algorithm;
  }

  @Override
  public String getAlgorithm() {
    return algorithm;
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  /** A copy, as the {@link java.security.Key} contract requires. */
  @Override
  public byte[] getEncoded() {
    if (destroyed) {
      throw new IllegalStateException("key destroyed");
    }
    return bytes.clone();
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
  public String toString() {
    return "OwnedKey["
        + algorithm
        + ", "
        + (destroyed ? "destroyed" : bytes.length + " bytes")
        + "]";
  }
}

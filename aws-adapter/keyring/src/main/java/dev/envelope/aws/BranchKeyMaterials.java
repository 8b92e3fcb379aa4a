package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import javax.security.auth.Destroyable;

/**
 * One version of a branch key, decrypted: its id, its version (a UUID), the custom encryption
 * context it was created with, and the 32-byte key itself. A {@link BranchKeyStore} returns it; the
 * {@link HierarchicalKeyring} derives a wrapping key from it for every data key, caches it, and
 * zeroes it when it leaves the cache.
 *
 * <p>It owns its key bytes. {@link #destroy()} zeroes them; uses already under way finish first
 * (they hold a read lock), so a key is never read half-zeroed. The key bytes are not exposed
 * outside this package and never appear in {@code toString}.
 */
public final class BranchKeyMaterials implements Destroyable, AutoCloseable {
  /** Branch keys are 32-byte keys made by KMS GenerateDataKeyWithoutPlaintext. */
  public static final int KEY_LENGTH = 32;

  private final String branchKeyId;
  private final String version;
  private final Map<String, String> encryptionContext;
  private final byte[] key;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean destroyed; // guarded by lock

  private BranchKeyMaterials(
      String branchKeyId, String version, Map<String, String> encryptionContext, byte[] key) {
    this.branchKeyId = branchKeyId;
    this.version = version;
    this.encryptionContext = encryptionContext;
    this.key = key;
  }

  /**
   * Takes ownership of {@code key} (the caller must not use or zero it afterwards).
   *
   * @param version the branch key version: a UUID in its canonical lower-case form
   * @throws IllegalArgumentException if the key is not 32 bytes or the version is not a canonical
   *     UUID
   */
  public static BranchKeyMaterials wrap(
      String branchKeyId, String version, Map<String, String> encryptionContext, byte[] key) {
    Objects.requireNonNull(key, "key");
    try {
      if (Objects.requireNonNull(branchKeyId, "branchKeyId").isEmpty()) {
        throw new IllegalArgumentException("branch key id must not be empty");
      }
      checkVersion(version);
      if (key.length != KEY_LENGTH) {
        throw new IllegalArgumentException(
            "a branch key has " + KEY_LENGTH + " bytes, got " + key.length);
      }
      return new BranchKeyMaterials(branchKeyId, version, Map.copyOf(encryptionContext), key);
    } catch (RuntimeException e) {
      Arrays.fill(key, (byte) 0);
      throw e;
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code version} is a UUID in canonical lower-case form
   */
  static String checkVersion(String version) {
    Objects.requireNonNull(version, "version");
    try {
      if (UUID.fromString(version).toString().equals(version)) {
        return version;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "a branch key version is a lower-case UUID such as"
            + " 5c7e4d34-8b5e-4d2c-a9c3-2f1c41b8e5a0, got "
            + UntrustedText.printable(version, UntrustedText.MAX_CHARS));
  }

  public String branchKeyId() {
    return branchKeyId;
  }

  /** The version, a UUID string. */
  public String version() {
    return version;
  }

  /**
   * The custom encryption context the branch key was created with (without the {@code
   * aws-crypto-ec:} prefix).
   */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /**
   * Runs {@code use} with the live key bytes while holding off {@link #destroy()}; returns null,
   * without running it, once destroyed. {@code use} must not keep or modify the array.
   */
  <T> T withKey(Function<byte[], T> use) {
    lock.readLock().lock();
    try {
      return destroyed ? null : use.apply(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Zeroes the key once uses under way have finished. */
  @Override
  public void destroy() {
    lock.writeLock().lock();
    try {
      destroyed = true;
      Arrays.fill(key, (byte) 0);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean isDestroyed() {
    lock.readLock().lock();
    try {
      return destroyed;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return "BranchKeyMaterials[branchKeyId="
        + branchKeyId
        + ", version="
        + version
        + ", contextKeys="
        + encryptionContext.keySet()
        + (isDestroyed() ? ", destroyed]" : "]");
  }
}

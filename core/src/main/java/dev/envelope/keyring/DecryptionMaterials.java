package dev.envelope.keyring;

import dev.envelope.AlgorithmSuite;
import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a message is decrypted with: its suite and encryption context as read from the header, the
 * plaintext data key once a keyring recovered it, and for signed suites the public verification
 * key. Immutable; closing it destroys the data key.
 */
public final class DecryptionMaterials implements AutoCloseable {
  private final AlgorithmSuite suite;
  private final Map<String, String> encryptionContext;
  private final DataKey dataKey;
  private final PublicKey verificationKey;
  private final Set<String> requiredEncryptionContextKeys;

  private DecryptionMaterials(
      AlgorithmSuite suite,
      Map<String, String> encryptionContext,
      DataKey dataKey,
      PublicKey verificationKey,
      Set<String> requiredEncryptionContextKeys) {
    this.suite = suite;
    this.encryptionContext = encryptionContext;
    this.dataKey = dataKey;
    this.verificationKey = verificationKey;
    this.requiredEncryptionContextKeys = requiredEncryptionContextKeys;
  }

  /**
   * Materials with no data key yet. {@code verificationKey} is required exactly when the suite is
   * signed.
   */
  public static DecryptionMaterials of(
      AlgorithmSuite suite, Map<String, String> encryptionContext, PublicKey verificationKey) {
    Objects.requireNonNull(suite, "suite");
    if (suite.isSigned() != (verificationKey != null)) {
      throw new IllegalArgumentException(
          suite.isSigned()
              ? "suite " + suite + " is signed and needs a verification key"
              : "suite " + suite + " is not signed; no verification key expected");
    }
    return new DecryptionMaterials(
        suite, Map.copyOf(encryptionContext), null, verificationKey, Set.of());
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  /**
   * The full context: the pairs stored in the header plus the reproduced ones it only
   * authenticates.
   */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /**
   * Keys of the context that the header does not store: their pairs, taken from the caller's
   * reproduced context, are authenticated through the header's authentication tag.
   */
  public Set<String> requiredEncryptionContextKeys() {
    return requiredEncryptionContextKeys;
  }

  /**
   * The same materials with {@code keys} added to the required encryption context keys.
   *
   * @throws IllegalArgumentException if a key is not in the encryption context
   */
  public DecryptionMaterials withRequiredEncryptionContextKeys(Set<String> keys) {
    if (keys.isEmpty() || requiredEncryptionContextKeys.containsAll(keys)) {
      return this;
    }
    TreeSet<String> union = new TreeSet<>(requiredEncryptionContextKeys);
    for (String key : keys) {
      if (!encryptionContext.containsKey(key)) {
        throw new IllegalArgumentException(
            "required encryption context key '" + key + "' is not in the encryption context");
      }
      union.add(key);
    }
    return new DecryptionMaterials(
        suite, encryptionContext, dataKey, verificationKey, Set.copyOf(union));
  }

  public boolean hasDataKey() {
    return dataKey != null;
  }

  /**
   * @throws IllegalStateException if no keyring recovered the data key
   */
  public DataKey dataKey() {
    if (dataKey == null) {
      throw new IllegalStateException("no data key has been recovered");
    }
    return dataKey;
  }

  /** The ECDSA verification key, or null for unsigned suites. */
  public PublicKey verificationKey() {
    return verificationKey;
  }

  /**
   * Adds the data key a keyring decrypted.
   *
   * @throws IllegalStateException if a data key is already present
   */
  public DecryptionMaterials withDataKey(DataKey key) {
    if (dataKey != null) {
      throw new IllegalStateException("materials already hold a data key");
    }
    if (key.length() != suite.dataKeyLength()) {
      throw new IllegalArgumentException(
          "suite "
              + suite
              + " needs a "
              + suite.dataKeyLength()
              + "-byte data key, got "
              + key.length());
    }
    return new DecryptionMaterials(
        suite, encryptionContext, key, verificationKey, requiredEncryptionContextKeys);
  }

  /** The same materials with an independent copy of the data key (for caches). */
  public DecryptionMaterials withCopiedDataKey() {
    return new DecryptionMaterials(
        suite,
        encryptionContext,
        dataKey == null ? null : dataKey.copy(),
        verificationKey,
        requiredEncryptionContextKeys);
  }

  @Override
  public void close() {
    if (dataKey != null) {
      dataKey.destroy();
    }
  }

  @Override
  public String toString() {
    return "DecryptionMaterials[suite="
        + suite
        + ", contextKeys="
        + encryptionContext.keySet()
        + ", dataKey="
        + dataKey
        + "]";
  }
}

package dev.envelope.keyring;

import dev.envelope.AlgorithmSuite;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a message is encrypted with: the suite, the full encryption context (including, for signed
 * suites, the public verification key the materials manager added), the plaintext data key, the
 * data key encrypted under each key provider, and for signed suites the private signing key.
 *
 * <p>Immutable: keyrings return a new instance with the key or an encrypted key added. Closing it
 * destroys the data key; the party that received it from a materials manager closes it when the
 * message is written. The JCE signing key cannot be zeroed; it is dropped with the materials.
 */
public final class EncryptionMaterials implements AutoCloseable {
  private final AlgorithmSuite suite;
  private final Map<String, String> encryptionContext;
  private final DataKey dataKey;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final PrivateKey signingKey;

  private EncryptionMaterials(
      AlgorithmSuite suite,
      Map<String, String> encryptionContext,
      DataKey dataKey,
      List<EncryptedDataKey> encryptedDataKeys,
      PrivateKey signingKey) {
    this.suite = suite;
    this.encryptionContext = encryptionContext;
    this.dataKey = dataKey;
    this.encryptedDataKeys = encryptedDataKeys;
    this.signingKey = signingKey;
  }

  /**
   * Materials with no data key yet. {@code signingKey} is required exactly when the suite is
   * signed.
   */
  public static EncryptionMaterials of(
      AlgorithmSuite suite, Map<String, String> encryptionContext, PrivateKey signingKey) {
    Objects.requireNonNull(suite, "suite");
    if (suite.isSigned() != (signingKey != null)) {
      throw new IllegalArgumentException(
          suite.isSigned()
              ? "suite " + suite + " is signed and needs a signing key"
              : "suite " + suite + " is not signed; no signing key expected");
    }
    return new EncryptionMaterials(
        suite, Map.copyOf(encryptionContext), null, List.of(), signingKey);
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  /** The full encryption context, stored in the header and bound to every frame. */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  public boolean hasDataKey() {
    return dataKey != null;
  }

  /**
   * @throws IllegalStateException if no keyring generated a data key
   */
  public DataKey dataKey() {
    if (dataKey == null) {
      throw new IllegalStateException("no data key has been generated");
    }
    return dataKey;
  }

  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  /** The ECDSA signing key, or null for unsigned suites. */
  public PrivateKey signingKey() {
    return signingKey;
  }

  /**
   * Adds the data key a generator keyring produced, with its encrypted form.
   *
   * @throws IllegalStateException if a data key is already present
   */
  public EncryptionMaterials withGeneratedDataKey(DataKey key, EncryptedDataKey encrypted) {
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
    return new EncryptionMaterials(
        suite, encryptionContext, key, append(encryptedDataKeys, encrypted), signingKey);
  }

  /** Adds the data key encrypted under one more key provider. */
  public EncryptionMaterials withEncryptedDataKey(EncryptedDataKey encrypted) {
    if (dataKey == null) {
      throw new IllegalStateException("no data key to add an encrypted copy of");
    }
    return new EncryptionMaterials(
        suite, encryptionContext, dataKey, append(encryptedDataKeys, encrypted), signingKey);
  }

  /**
   * The same materials with an independent copy of the data key, so that a cache can hand out
   * materials and keep (and later zero) its own key.
   */
  public EncryptionMaterials withCopiedDataKey() {
    return new EncryptionMaterials(
        suite,
        encryptionContext,
        dataKey == null ? null : dataKey.copy(),
        encryptedDataKeys,
        signingKey);
  }

  private static List<EncryptedDataKey> append(List<EncryptedDataKey> list, EncryptedDataKey item) {
    List<EncryptedDataKey> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(Objects.requireNonNull(item, "encrypted data key"));
    return List.copyOf(copy);
  }

  /** Destroys the data key. */
  @Override
  public void close() {
    if (dataKey != null) {
      dataKey.destroy();
    }
  }

  @Override
  public String toString() {
    return "EncryptionMaterials[suite="
        + suite
        + ", contextKeys="
        + encryptionContext.keySet()
        + ", dataKey="
        + dataKey
        + ", encryptedDataKeys="
        + encryptedDataKeys.size()
        + "]";
  }
}

package dev.envelope.keyring;

import dev.envelope.AlgorithmSuite;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
  private final Set<String> requiredEncryptionContextKeys;

  private EncryptionMaterials(
      AlgorithmSuite suite,
      Map<String, String> encryptionContext,
      DataKey dataKey,
      List<EncryptedDataKey> encryptedDataKeys,
      PrivateKey signingKey,
      Set<String> requiredEncryptionContextKeys) {
    this.suite = suite;
    this.encryptionContext = encryptionContext;
    this.dataKey = dataKey;
    this.encryptedDataKeys = encryptedDataKeys;
    this.signingKey = signingKey;
    this.requiredEncryptionContextKeys = requiredEncryptionContextKeys;
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
        suite, Map.copyOf(encryptionContext), null, List.of(), signingKey, Set.of());
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  /**
   * The full encryption context the data key is bound to. Pairs whose keys are in {@link
   * #requiredEncryptionContextKeys()} are authenticated but not stored in the header; the rest are
   * stored.
   */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /**
   * Keys of the context that the message authenticates without storing them, so that the reader
   * must supply them again; empty unless a {@code RequiredEncryptionContextMaterialsManager} asked
   * for some.
   */
  public Set<String> requiredEncryptionContextKeys() {
    return requiredEncryptionContextKeys;
  }

  /**
   * The same materials with {@code keys} added to the required encryption context keys.
   *
   * @throws IllegalArgumentException if a key is not in the encryption context
   */
  public EncryptionMaterials withRequiredEncryptionContextKeys(Set<String> keys) {
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
    return new EncryptionMaterials(
        suite, encryptionContext, dataKey, encryptedDataKeys, signingKey, Set.copyOf(union));
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
        suite,
        encryptionContext,
        key,
        append(encryptedDataKeys, encrypted),
        signingKey,
        requiredEncryptionContextKeys);
  }

  /** Adds the data key encrypted under one more key provider. */
  public EncryptionMaterials withEncryptedDataKey(EncryptedDataKey encrypted) {
    if (dataKey == null) {
      throw new IllegalStateException("no data key to add an encrypted copy of");
    }
    return new EncryptionMaterials(
        suite,
        encryptionContext,
        dataKey,
        append(encryptedDataKeys, encrypted),
        signingKey,
        requiredEncryptionContextKeys);
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
        signingKey,
        requiredEncryptionContextKeys);
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
        + (requiredEncryptionContextKeys.isEmpty()
            ? ""
            : ", requiredKeys=" + requiredEncryptionContextKeys)
        + ", dataKey="
        + dataKey
        + ", encryptedDataKeys="
        + encryptedDataKeys.size()
        + "]";
  }
}

package dev.envelope.keyring;

import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Combines keyrings. On encryption the generator produces the data key and every other keyring adds
 * its own encrypted copy, so any one of them can decrypt the message. On decryption the keyrings
 * are tried in order (generator first) until one recovers the key; failures of the others are kept
 * and reported as suppressed exceptions if none succeeds.
 */
public final class MultiKeyring implements Keyring {
  private final Keyring generator;
  private final List<Keyring> children;

  private MultiKeyring(Keyring generator, List<Keyring> children) {
    this.generator = generator;
    this.children = List.copyOf(children);
  }

  /**
   * A multi-keyring whose {@code generator} makes the data key and {@code others} add encrypted
   * copies.
   */
  public static MultiKeyring of(Keyring generator, Keyring... others) {
    return new MultiKeyring(Objects.requireNonNull(generator, "generator"), List.of(others));
  }

  /** A multi-keyring without generator: encrypts only data keys another keyring generated. */
  public static MultiKeyring withoutGenerator(Keyring first, Keyring... others) {
    List<Keyring> all = new ArrayList<>();
    all.add(Objects.requireNonNull(first, "first"));
    all.addAll(List.of(others));
    return new MultiKeyring(null, all);
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    EncryptionMaterials current = materials;
    if (generator != null) {
      if (current.hasDataKey()) {
        throw new IllegalStateException(
            "materials already hold a data key; the generator must not replace it");
      }
      current = generator.onEncrypt(current);
      if (!current.hasDataKey()) {
        throw new IllegalStateException("generator keyring produced no data key");
      }
    } else if (!current.hasDataKey()) {
      throw new IllegalStateException(
          "multi-keyring without a generator needs a data key to encrypt");
    }
    try {
      for (Keyring child : children) {
        current = child.onEncrypt(current);
      }
    } catch (RuntimeException e) {
      current.close();
      throw e;
    }
    return current;
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      return materials;
    }
    List<RuntimeException> failures = new ArrayList<>();
    List<Keyring> order = new ArrayList<>();
    if (generator != null) {
      order.add(generator);
    }
    order.addAll(children);
    for (Keyring keyring : order) {
      try {
        DecryptionMaterials result = keyring.onDecrypt(materials, encryptedDataKeys);
        if (result.hasDataKey()) {
          return result;
        }
      } catch (KeyProviderException | NoUsableDataKeyException e) {
        failures.add(e);
      }
    }
    if (failures.isEmpty()) {
      return materials;
    }
    NoUsableDataKeyException error =
        new NoUsableDataKeyException(
            "no keyring could decrypt any of the "
                + encryptedDataKeys.size()
                + " encrypted data key(s); "
                + failures.size()
                + " key provider(s) failed (see suppressed exceptions)");
    failures.forEach(error::addSuppressed);
    throw error;
  }

  @Override
  public String toString() {
    return "MultiKeyring[generator=" + generator + ", children=" + children + "]";
  }
}

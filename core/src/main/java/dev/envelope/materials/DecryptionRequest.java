package dev.envelope.materials;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.format.HeaderDataKeys;
import dev.envelope.keyring.EncryptedDataKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request for decryption materials, from an authenticated-to-be message header.
 *
 * @param suite the message's suite
 * @param encryptedDataKeys the encrypted data keys in the header, in order
 * @param encryptionContext the context stored in the header
 * @param reproducedEncryptionContext the context the caller supplied to decrypt with; pairs the
 *     header does not store belong in the materials' context and required keys, so that the header
 *     authentication checks them
 */
public record DecryptionRequest(
    AlgorithmSuite suite,
    List<EncryptedDataKey> encryptedDataKeys,
    Map<String, String> encryptionContext,
    Map<String, String> reproducedEncryptionContext) {
  public DecryptionRequest {
    Objects.requireNonNull(suite, "suite");
    // Keys and context read together from a header are immutable already and kept as they are, so
    // that the data-key cache can key the request on the header bytes they came from.
    boolean fromHeader =
        encryptedDataKeys instanceof HeaderDataKeys section
            && section.encryptionContext() == encryptionContext;
    if (!fromHeader) {
      encryptedDataKeys = List.copyOf(encryptedDataKeys);
      encryptionContext = Map.copyOf(encryptionContext);
    }
    reproducedEncryptionContext = Map.copyOf(reproducedEncryptionContext);
  }

  /** A request without a reproduced context. */
  public DecryptionRequest(
      AlgorithmSuite suite,
      List<EncryptedDataKey> encryptedDataKeys,
      Map<String, String> encryptionContext) {
    this(suite, encryptedDataKeys, encryptionContext, Map.of());
  }
}

package dev.envelope.materials;

import dev.envelope.AlgorithmSuite;
import dev.envelope.keyring.EncryptedDataKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request for decryption materials, from an authenticated-to-be message header.
 *
 * @param suite the message's suite
 * @param encryptedDataKeys the encrypted data keys in the header, in order
 * @param encryptionContext the full context stored in the header
 */
public record DecryptionRequest(
    AlgorithmSuite suite,
    List<EncryptedDataKey> encryptedDataKeys,
    Map<String, String> encryptionContext) {
  public DecryptionRequest {
    Objects.requireNonNull(suite, "suite");
    encryptedDataKeys = List.copyOf(encryptedDataKeys);
    encryptionContext = Map.copyOf(encryptionContext);
  }
}

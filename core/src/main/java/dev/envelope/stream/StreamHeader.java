package dev.envelope.stream;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.keyring.EncryptedDataKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the header of a message being decrypted from a stream says, from {@link
 * DecryptingInputStream#header()}: available before the first plaintext byte, and only once the
 * header was authenticated with the recovered data key. Immutable.
 *
 * @param algorithmSuite the message's algorithm suite
 * @param encryptionContext the encryption context, reserved {@code aws-crypto-} entries included
 * @param frameLength plaintext bytes per frame; 0 for a legacy non-framed message
 * @param providerIds the provider id of each encrypted data key, in header order (for example
 *     {@code aws-kms}, or a raw keyring's namespace)
 */
public record StreamHeader(
    AlgorithmSuite algorithmSuite,
    Map<String, String> encryptionContext,
    int frameLength,
    List<String> providerIds) {
  public StreamHeader {
    Objects.requireNonNull(algorithmSuite, "algorithmSuite");
    encryptionContext = Collections.unmodifiableMap(new LinkedHashMap<>(encryptionContext));
    providerIds = List.copyOf(providerIds);
  }

  /** How many encrypted data keys the message carries. */
  public int encryptedDataKeyCount() {
    return providerIds.size();
  }

  static StreamHeader of(MessageHeader header, Map<String, String> encryptionContext) {
    return new StreamHeader(
        header.suite(),
        encryptionContext,
        header.frameLength(),
        header.encryptedDataKeys().stream().map(EncryptedDataKey::providerId).toList());
  }
}

package dev.envelope.keyring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A data key encrypted by one key provider, as stored in the message header: the provider id (for
 * example {@code aws-kms} or a raw keyring's namespace), provider-specific info (for KMS the key
 * ARN, for a raw AES key its name and IV) and the ciphertext. Immutable; equality is by content.
 */
public final class EncryptedDataKey {
  private final String providerId;
  private final byte[] providerInfo;
  private final byte[] ciphertext;

  /**
   * Cached like String's: the data-key cache hashes every EDK of every message it looks up. 0 = not
   * yet.
   */
  private int hash;

  public EncryptedDataKey(String providerId, byte[] providerInfo, byte[] ciphertext) {
    this.providerId = Objects.requireNonNull(providerId, "providerId");
    this.providerInfo = providerInfo.clone();
    this.ciphertext = ciphertext.clone();
  }

  public String providerId() {
    return providerId;
  }

  /** A copy of the provider info. */
  public byte[] providerInfo() {
    return providerInfo.clone();
  }

  /** The provider info read as UTF-8, as KMS keyrings store a key ARN there. */
  public String providerInfoUtf8() {
    return new String(providerInfo, StandardCharsets.UTF_8);
  }

  /** A copy of the encrypted key. */
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  public int providerInfoLength() {
    return providerInfo.length;
  }

  public int ciphertextLength() {
    return ciphertext.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptedDataKey other
        && providerId.equals(other.providerId)
        && Arrays.equals(providerInfo, other.providerInfo)
        && Arrays.equals(ciphertext, other.ciphertext);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h =
          31 * (31 * providerId.hashCode() + Arrays.hashCode(providerInfo))
              + Arrays.hashCode(ciphertext);
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return "EncryptedDataKey[provider="
        + providerId
        + ", info="
        + providerInfo.length
        + " bytes, ciphertext="
        + ciphertext.length
        + " bytes]";
  }
}

package dev.envelope;

import java.util.Map;

/**
 * The outcome of a successful decryption: the plaintext, which the caller now owns, and the
 * authenticated encryption context and suite of the message.
 */
public final class DecryptResult {
  private final byte[] plaintext;
  private final Map<String, String> encryptionContext;
  private final AlgorithmSuite algorithmSuite;

  DecryptResult(
      byte[] plaintext, Map<String, String> encryptionContext, AlgorithmSuite algorithmSuite) {
    this.plaintext = plaintext;
    this.encryptionContext = encryptionContext;
    this.algorithmSuite = algorithmSuite;
  }

  /** The plaintext; the array is not copied and belongs to the caller. */
  public byte[] plaintext() {
    return plaintext;
  }

  /**
   * The message's full encryption context as authenticated, including reserved {@code aws-crypto-}
   * entries such as the public key of signed suites.
   */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  public AlgorithmSuite algorithmSuite() {
    return algorithmSuite;
  }

  @Override
  public String toString() {
    return "DecryptResult["
        + plaintext.length
        + " bytes, suite="
        + algorithmSuite
        + ", contextKeys="
        + encryptionContext.keySet()
        + "]";
  }
}

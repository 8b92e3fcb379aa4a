package dev.envelope;

/**
 * None of the message's encrypted data keys could be decrypted by the configured keyring (wrong
 * wrapping key, key not in the keyring, every key provider refused). The causes of each attempt are
 * attached as suppressed exceptions.
 */
public class NoUsableDataKeyException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public NoUsableDataKeyException(String message) {
    super(message);
  }
}

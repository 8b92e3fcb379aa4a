package dev.envelope;

/**
 * Root of every exception Envelope throws on purpose. Unchecked, like the AWS SDK's, so callers
 * catch what they can act on: a {@link InvalidMessageException}, a {@link
 * EncryptionContextMismatchException}, a {@link NoUsableDataKeyException} or a {@link
 * KeyProviderException}.
 *
 * <p>Messages never contain key bytes or plaintext.
 */
public class EnvelopeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EnvelopeException(String message) {
    super(message);
  }

  public EnvelopeException(String message, Throwable cause) {
    super(message, cause);
  }
}

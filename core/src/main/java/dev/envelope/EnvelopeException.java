package dev.envelope;

/**
 * Root of every exception Envelope throws on purpose. Unchecked, like the AWS SDK's, so callers
 * catch what they can act on: a {@link InvalidMessageException} (of which {@link
 * EncryptionContextMismatchException} is the case of a header declaring another context), a {@link
 * NoUsableDataKeyException} or a {@link KeyProviderException}.
 *
 * <p>Messages never contain key bytes or plaintext. Text read from a message or a key provider
 * (provider ids, context keys, key ARNs, error messages) appears escaped to printable ASCII and
 * shortened.
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

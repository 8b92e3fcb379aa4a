package dev.envelope;

/**
 * The bytes are not a message Envelope may decrypt: malformed, truncated, tampered with, oversized
 * beyond a configured limit, of an algorithm suite the commitment policy forbids, or (as the
 * subtype {@link EncryptionContextMismatchException}) declaring another encryption context than the
 * expected one. No plaintext of an unauthenticated frame is ever released before this is thrown.
 */
public class InvalidMessageException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public InvalidMessageException(String message) {
    super(message);
  }

  public InvalidMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}

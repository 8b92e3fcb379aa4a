package dev.envelope;

/**
 * A key provider (a keyring's backing service, such as AWS KMS, or a local wrapping key) failed to
 * generate, wrap or unwrap a data key. Adapters subclass it to carry provider details such as an
 * error code and request id.
 */
public class KeyProviderException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public KeyProviderException(String message) {
    super(message);
  }

  public KeyProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}

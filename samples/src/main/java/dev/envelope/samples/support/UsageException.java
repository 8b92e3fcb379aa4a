package dev.envelope.samples.support;

/**
 * The user asked for something that cannot work as given (a missing file, a bad key file, a key
 * that does not exist). The CLI prints the message, which says what to change, and exits with
 * status 2.
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}

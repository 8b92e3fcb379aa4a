package dev.envelope.aws.local;

/**
 * The errors the local KMS answers at the HTTP level, before a request reaches an operation. Their
 * names and status codes are the ones the KMS API Reference lists among the errors common to all
 * AWS services (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html); the real
 * service's front end answers them the same way in the KMS JSON protocol ({@code __type} and {@code
 * message}), so the SDK turns them into a {@code KmsException} with that error code.
 */
final class HttpErrors {
  private HttpErrors() {}

  /**
   * A request, header section or body over the server's limit: 413 RequestEntityTooLargeException.
   */
  static KmsException tooLarge(String message) {
    return new KmsException("RequestEntityTooLargeException", message, 413);
  }

  /** A request that did not arrive completely in time: 408 RequestTimeoutException. */
  static KmsException timeout(String message) {
    return new KmsException("RequestTimeoutException", message, 408);
  }

  /** A request that is not valid HTTP/1.1: 400 MalformedHttpRequestException. */
  static KmsException malformed(String message) {
    return malformed(message, 400);
  }

  /** As {@link #malformed(String)}, with a more precise status (501, 505). */
  static KmsException malformed(String message, int status) {
    return new KmsException("MalformedHttpRequestException", message, status);
  }

  /** The server cannot take the request now (buffer budget spent, answer late): 503. */
  static KmsException unavailable(String message) {
    return new KmsException("ServiceUnavailable", message, 503);
  }
}

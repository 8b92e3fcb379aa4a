package dev.envelope.aws.local;

/**
 * A KMS error as it travels on the wire: the {@code __type} the SDK maps to its exception class,
 * the message, and the HTTP status. Messages name keys and principals, never key material or
 * plaintext.
 */
final class KmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final int httpStatus;

  KmsException(String errorType, String message) {
    this(errorType, message, 400);
  }

  KmsException(String errorType, String message, int httpStatus) {
    super(message, null, false, false); // no stack trace: these are answers, not bugs
    this.errorType = errorType;
    this.httpStatus = httpStatus;
  }

  String errorType() {
    return errorType;
  }

  int httpStatus() {
    return httpStatus;
  }

  static KmsException notFound(String message) {
    return new KmsException("NotFoundException", message);
  }

  static KmsException validation(String message) {
    return new KmsException("ValidationException", message);
  }

  /** The wording of the SDK's own constraint check, so messages look like the service's. */
  static KmsException validationNull(String member) {
    return validation(
        "1 validation error detected: Value null at '"
            + member
            + "' failed to satisfy constraint: Member must not be null");
  }

  static KmsException accessDenied(String message) {
    return new KmsException("AccessDeniedException", message);
  }

  static KmsException invalidState(String message) {
    return new KmsException("KMSInvalidStateException", message);
  }

  static KmsException disabled(String message) {
    return new KmsException("DisabledException", message);
  }

  static KmsException invalidCiphertext() {
    // KMS says nothing more: saying which check failed would help an attacker.
    return new KmsException("InvalidCiphertextException", null);
  }

  static KmsException unsupported(String message) {
    return new KmsException("UnsupportedOperationException", message);
  }

  static KmsException internal(String message) {
    return new KmsException("KMSInternalException", message, 500);
  }
}

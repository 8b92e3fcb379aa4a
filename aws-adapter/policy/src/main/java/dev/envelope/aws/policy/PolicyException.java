package dev.envelope.aws.policy;

/**
 * A policy document that cannot be used: malformed JSON, a missing or misspelled element, an
 * unknown condition operator or condition key. Raised at parse time so that a typo in a policy is a
 * loud configuration error rather than a statement that silently never (or always) applies.
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem it is, so that callers such as KMS validation can word it their way. */
  public enum Reason {
    /** Not JSON, or an element missing, misplaced or of the wrong type. */
    MALFORMED,
    /** A condition operator IAM does not define (or this engine does not implement). */
    UNKNOWN_OPERATOR,
    /** A condition key this engine does not know. */
    UNKNOWN_CONDITION_KEY,
    /** A principal that is not "*", an account id, or a valid IAM/STS principal ARN. */
    INVALID_PRINCIPAL,
    /** A condition value that is not of its operator's type (a date, a number, a boolean...). */
    INVALID_CONDITION_VALUE
  }

  private final Reason reason;

  public PolicyException(String message) {
    this(Reason.MALFORMED, message, null);
  }

  public PolicyException(String message, Throwable cause) {
    this(reasonOf(cause), message, cause);
  }

  public PolicyException(Reason reason, String message) {
    this(reason, message, null);
  }

  public PolicyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason == null ? Reason.MALFORMED : reason;
  }

  /** The kind of problem; {@link Reason#MALFORMED} unless the parser knew better. */
  public Reason reason() {
    return reason;
  }

  /** A wrapping exception keeps the reason of the one it wraps. */
  private static Reason reasonOf(Throwable cause) {
    return cause instanceof PolicyException p ? p.reason : Reason.MALFORMED;
  }
}

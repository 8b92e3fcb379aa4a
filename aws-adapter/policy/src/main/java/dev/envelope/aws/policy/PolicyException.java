package dev.envelope.aws.policy;

/**
 * A policy document that cannot be used: malformed JSON, a missing or misspelled element, an
 * unknown condition operator or condition key. Raised at parse time so that a typo in a policy is a
 * loud configuration error rather than a statement that silently never (or always) applies.
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.envelope.aws.policy;

import java.util.Objects;

/**
 * One reason KMS refuses a key policy in CreateKey, PutKeyPolicy or ReplicateKey, with the error
 * code and message KMS answers. Found by {@link KeyPolicyValidator}; the local KMS throws the first
 * one, the linter reports each.
 *
 * @param kind what is wrong
 * @param errorCode the KMS error code, e.g. {@code MalformedPolicyDocumentException}
 * @param message the message, in KMS's words where KMS documents them
 * @param statementIndex zero-based index of the statement at fault, or -1 for the whole document
 */
public record KeyPolicyProblem(Kind kind, String errorCode, String message, int statementIndex) {

  /** The kinds of problem KMS checks for. */
  public enum Kind {
    /** Over 32 KB (32,768 bytes): LimitExceededException. */
    TOO_LARGE,
    /** A character outside printable ASCII and Latin-1, tab, line feed and carriage return. */
    INVALID_CHARACTERS,
    /** Not JSON, or a required element missing, misplaced or of the wrong type. */
    MALFORMED,
    /** A condition operator IAM does not define. */
    UNKNOWN_CONDITION_OPERATOR,
    /** A condition key Envelope does not know (KMS itself accepts any well-formed key). */
    UNKNOWN_CONDITION_KEY,
    /** A condition value its operator cannot compare (not a date, number, boolean or address). */
    INVALID_CONDITION_VALUE,
    /** A principal that is not "*", an account id, an IAM/STS ARN or a service name. */
    INVALID_PRINCIPAL,
    /** A statement without Principal or NotPrincipal. */
    MISSING_PRINCIPAL,
    /** ForAllValues with a single-valued key KMS guards: OverlyPermissiveCondition. */
    OVERLY_PERMISSIVE_CONDITION,
    /** The policy would not let the caller change it again: the policy lockout safety check. */
    LOCKOUT
  }

  public KeyPolicyProblem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return errorCode + ": " + message;
  }
}

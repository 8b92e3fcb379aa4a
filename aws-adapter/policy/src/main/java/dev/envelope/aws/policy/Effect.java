package dev.envelope.aws.policy;

/** The outcome of an authorization decision, in the vocabulary of IAM policy evaluation. */
public enum Effect {
  /** Some statement or grant allows the request and nothing denies it. */
  ALLOW,
  /** A Deny statement in the key policy or in one of the caller's IAM policies applies. */
  EXPLICIT_DENY,
  /** Nothing allows the request (the default). */
  IMPLICIT_DENY
}

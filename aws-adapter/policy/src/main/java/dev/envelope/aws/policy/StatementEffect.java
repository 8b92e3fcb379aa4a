package dev.envelope.aws.policy;

/** The {@code Effect} element of a policy statement. */
public enum StatementEffect {
  ALLOW,
  DENY
}

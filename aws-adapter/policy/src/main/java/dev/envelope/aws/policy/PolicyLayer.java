package dev.envelope.aws.policy;

/**
 * The kinds of policy (and grants) that take part in a KMS authorization, in the words of the IAM
 * User Guide's "Policy evaluation logic": the layer that decided a request is what the doctor and
 * the audit log name.
 */
public enum PolicyLayer {
  /** The key's resource-based policy. */
  KEY_POLICY("key policy"),
  /** The caller's identity-based (IAM) policies. */
  IDENTITY_POLICY("identity policy"),
  /** A KMS grant on the key. */
  GRANT("grant"),
  /** An AWS Organizations service control policy of the caller's account. */
  SCP("service control policy"),
  /** An AWS Organizations resource control policy of the key's account. */
  RCP("resource control policy"),
  /** The permissions boundary of the caller's IAM user or role. */
  PERMISSIONS_BOUNDARY("permissions boundary"),
  /** The session policy passed when the caller's role session was created. */
  SESSION_POLICY("session policy");

  private final String label;

  PolicyLayer(String label) {
    this.label = label;
  }

  /** How AWS's access-denied messages name it, e.g. {@code service control policy}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}

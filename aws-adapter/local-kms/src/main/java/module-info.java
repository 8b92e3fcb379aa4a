/**
 * A local KMS for development and tests: an in-process engine and a loopback server speaking the
 * KMS JSON protocol, evaluating key policies, IAM policies and grants with {@code
 * dev.envelope.aws.policy}.
 */
module dev.envelope.aws.local {
  requires transitive dev.envelope.aws.policy;
  // LocalKms hands out KmsClients configured for itself.
  requires transitive software.amazon.awssdk.services.kms;
  requires transitive software.amazon.awssdk.regions;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.core;

  exports dev.envelope.aws.local;
}

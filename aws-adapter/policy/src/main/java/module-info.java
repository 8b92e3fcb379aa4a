/**
 * The IAM and KMS policy model and evaluator, the access doctor and the key-policy linter. No AWS
 * client and no network: everything here is evaluated locally.
 */
module dev.envelope.aws.policy {
  requires com.fasterxml.jackson.core;

  exports dev.envelope.aws.policy;
  exports dev.envelope.aws.policy.doctor;
  exports dev.envelope.aws.policy.lint;
  // The local KMS reads its configuration and writes its answers with the same JSON toolkit.
  exports dev.envelope.aws.internal.json to
      dev.envelope.aws.local;
}

/**
 * KMS keyrings on the AWS SDK for Java v2 and the diagnosis of KMS failures. No HTTP server and no
 * policy engine: those live in {@code dev.envelope.aws.local} and {@code dev.envelope.aws.policy}.
 */
module dev.envelope.aws {
  requires transitive dev.envelope.core;
  // Builders take KmsClient, Region, credentials and retry strategies.
  requires transitive software.amazon.awssdk.services.kms;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.core;
  requires transitive software.amazon.awssdk.awscore;
  requires transitive software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.retries;
  // KmsCalls resolves credentials up front to tell a credentials failure from an unreachable KMS.
  requires software.amazon.awssdk.identity.spi;

  exports dev.envelope.aws;
}

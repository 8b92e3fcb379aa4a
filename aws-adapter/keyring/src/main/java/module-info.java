/**
 * KMS keyrings on the AWS SDK for Java v2, the hierarchical keyring with its branch key stores
 * (DynamoDB and JDBC, both optional dependencies), and the diagnosis of KMS failures. No HTTP
 * server and no policy engine: those live in {@code dev.envelope.aws.local} and {@code
 * dev.envelope.aws.policy}.
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
  // The hierarchical keyring's branch-key cache; Micrometer comes with core.
  requires com.github.benmanes.caffeine;
  // Optional: only DynamoDbBranchKeyStore and JdbcBranchKeyStore use them, and applications that
  // use neither need neither on their module path.
  requires static software.amazon.awssdk.services.dynamodb;
  requires static java.sql;

  exports dev.envelope.aws;
}

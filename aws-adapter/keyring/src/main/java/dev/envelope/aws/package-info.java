/**
 * AWS KMS for Envelope: {@link dev.envelope.aws.KmsKeyring} (strict, discovery and multi-Region-key
 * aware, interoperable with the AWS Encryption SDK's KMS keyrings), {@link
 * dev.envelope.aws.KmsClientSupplier} and its caching, retrying implementation, and {@link
 * dev.envelope.aws.KmsKeyProviderException}, which explains KMS failures. {@link
 * dev.envelope.aws.HierarchicalKeyring} wraps data keys with branch keys kept in a {@link
 * dev.envelope.aws.BranchKeyStore} ({@link dev.envelope.aws.DynamoDbBranchKeyStore}, {@link
 * dev.envelope.aws.JdbcBranchKeyStore}), calling KMS once per branch key per TTL. Subpackages:
 * {@code local} (a local KMS for development and tests) and {@code policy} (the key policy model
 * and linter).
 *
 * <pre>{@code
 * KmsKeyring keyring = KmsKeyring.builder()
 *     .generatorKeyId("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
 *     .keyIds("arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")
 *     .build();
 * Envelope envelope = Envelope.builder().keyring(keyring).build();
 * }</pre>
 */
package dev.envelope.aws;

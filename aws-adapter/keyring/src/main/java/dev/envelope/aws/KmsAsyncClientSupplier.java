package dev.envelope.aws;

import software.amazon.awssdk.services.kms.KmsAsyncClient;

/**
 * Gives a {@link KmsKeyring} the {@link KmsAsyncClient} for a Region, for the non-blocking API: the
 * asynchronous counterpart of {@link KmsClientSupplier}, with the same rules (thread-safe, one
 * shared client per Region, not closed by the keyring). {@link CachingKmsAsyncClientSupplier}
 * builds clients on the AWS SDK's Netty HTTP client.
 */
@FunctionalInterface
public interface KmsAsyncClientSupplier {

  /**
   * The client for {@code region} (for example {@code us-east-1}).
   *
   * @throws RuntimeException if no client can be made; the keyring reports it as a key-provider
   *     failure
   */
  KmsAsyncClient client(String region);
}

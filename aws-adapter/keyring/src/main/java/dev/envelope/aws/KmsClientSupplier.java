package dev.envelope.aws;

import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Gives a {@link KmsKeyring} the {@link KmsClient} for a Region. The keyring asks for the Region of
 * each key it uses (for a multi-Region key, the Region of the configured replica), so one keyring
 * can span Regions.
 *
 * <p>Implementations must be thread-safe and should return the same client for the same Region:
 * clients are expensive (connection pools, credential refresh) and meant to be shared. {@link
 * CachingKmsClientSupplier} does that and configures retries; supply your own to control every
 * client setting.
 */
@FunctionalInterface
public interface KmsClientSupplier {

  /**
   * The client for {@code region} (for example {@code us-east-1}). The keyring does not close it.
   *
   * @throws RuntimeException if no client can be made; the keyring reports it as a key-provider
   *     failure
   */
  KmsClient client(String region);
}

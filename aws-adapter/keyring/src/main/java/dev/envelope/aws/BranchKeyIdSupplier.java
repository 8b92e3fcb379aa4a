package dev.envelope.aws;

import java.util.Map;

/**
 * Picks the branch key for a message from its encryption context, for multi-tenant use: each
 * tenant's data keys are wrapped under the tenant's own branch key. Called on encryption with the
 * message's context and on decryption with the context read from the message, so the answer must
 * depend only on the context.
 *
 * <p>Must be thread-safe and fast (it runs for every message); it must not call remote services.
 */
@FunctionalInterface
public interface BranchKeyIdSupplier {

  /**
   * The branch key id for {@code encryptionContext}.
   *
   * @throws RuntimeException if the context names no tenant; the message then fails to encrypt or
   *     decrypt
   */
  String branchKeyId(Map<String, String> encryptionContext);
}

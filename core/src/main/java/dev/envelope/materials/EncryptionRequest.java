package dev.envelope.materials;

import dev.envelope.AlgorithmSuite;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A request for encryption materials.
 *
 * @param encryptionContext the caller's context (no reserved {@code aws-crypto-} keys)
 * @param suite the suite the message will use
 * @param plaintextLength the message's plaintext length when known in advance; empty for streams
 * @param requiredEncryptionContextKeys keys of the context to authenticate without storing them in
 *     the message; the materials returned must list at least these
 */
public record EncryptionRequest(
    Map<String, String> encryptionContext,
    AlgorithmSuite suite,
    OptionalLong plaintextLength,
    Set<String> requiredEncryptionContextKeys) {
  public EncryptionRequest {
    encryptionContext = Map.copyOf(encryptionContext);
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(plaintextLength, "plaintextLength");
    requiredEncryptionContextKeys = Set.copyOf(requiredEncryptionContextKeys);
  }

  /** A request with no required encryption context keys. */
  public EncryptionRequest(
      Map<String, String> encryptionContext, AlgorithmSuite suite, OptionalLong plaintextLength) {
    this(encryptionContext, suite, plaintextLength, Set.of());
  }

  /** The same request with {@code keys} added to the required encryption context keys. */
  public EncryptionRequest withRequiredEncryptionContextKeys(Set<String> keys) {
    Set<String> union = new java.util.HashSet<>(requiredEncryptionContextKeys);
    union.addAll(keys);
    return new EncryptionRequest(encryptionContext, suite, plaintextLength, union);
  }
}

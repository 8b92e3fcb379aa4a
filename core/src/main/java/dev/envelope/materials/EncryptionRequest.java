package dev.envelope.materials;

import dev.envelope.AlgorithmSuite;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A request for encryption materials.
 *
 * @param encryptionContext the caller's context (no reserved {@code aws-crypto-} keys)
 * @param suite the suite the message will use
 * @param plaintextLength the message's plaintext length when known in advance; empty for streams
 */
public record EncryptionRequest(
    Map<String, String> encryptionContext, AlgorithmSuite suite, OptionalLong plaintextLength) {
  public EncryptionRequest {
    encryptionContext = Map.copyOf(encryptionContext);
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(plaintextLength, "plaintextLength");
  }
}

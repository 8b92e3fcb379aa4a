package dev.envelope.aws.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A KMS grant as the local KMS stores it. The compact constructor copies every collection, so a
 * grant is immutable; absent constraints and operations become empty collections.
 *
 * @param operations KMS operation names without the {@code kms:} prefix, e.g. {@code Decrypt}
 * @param encryptionContextEquals if non-empty, the request's encryption context must equal it (keys
 *     compared case-insensitively, values case-sensitively, as KMS documents)
 * @param encryptionContextSubset if non-empty, the request's encryption context must contain it
 */
public record Grant(
    String grantId,
    String keyArn,
    String granteePrincipal,
    String retiringPrincipal,
    Set<String> operations,
    Map<String, String> encryptionContextEquals,
    Map<String, String> encryptionContextSubset,
    String name,
    String issuingAccount) {

  public Grant {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(granteePrincipal, "granteePrincipal");
    operations = operations == null ? Set.of() : Set.copyOf(operations);
    encryptionContextEquals =
        encryptionContextEquals == null ? Map.of() : Map.copyOf(encryptionContextEquals);
    encryptionContextSubset =
        encryptionContextSubset == null ? Map.of() : Map.copyOf(encryptionContextSubset);
  }

  /** True if the grant restricts the encryption context of the operations it allows. */
  public boolean hasConstraints() {
    return !encryptionContextEquals.isEmpty() || !encryptionContextSubset.isEmpty();
  }
}

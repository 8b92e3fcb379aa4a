package dev.envelope.aws.policy;

import java.util.List;
import java.util.Map;

/**
 * Condition-key values that KMS derives from the key and the operation of a request, for the
 * symmetric encryption keys the local KMS models. The local KMS and the access doctor both fill the
 * request context through this class, so that they agree on every policy that uses them.
 */
public final class RequestFacts {
  private static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  private static final String ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  private RequestFacts() {}

  /**
   * The facts of an operation on an existing key: kms:KeySpec and kms:KeyUsage (and their older
   * kms:CustomerMasterKey* names), kms:KeyOrigin, kms:MultiRegion, kms:MultiRegionKeyType,
   * kms:ResourceAliases, and for the cryptographic operations kms:EncryptionAlgorithm, the only
   * algorithm of a symmetric key, which KMS uses when the request names none.
   *
   * @param keyId the key id; KMS gives multi-Region keys, and only those, ids that start with
   *     {@code mrk-}, which is how both callers tell them apart
   * @param primary for a multi-Region key, whether the request names the key of the primary Region
   * @param aliases the names ({@code alias/...}) of the aliases of the key in its Region
   */
  public static void onKey(
      AccessRequest.Builder b,
      String operation,
      String keyId,
      boolean primary,
      List<String> aliases) {
    boolean multiRegion = keyId.startsWith("mrk-");
    b.contextValue("kms:KeySpec", SYMMETRIC_DEFAULT)
        .contextValue("kms:KeyUsage", ENCRYPT_DECRYPT)
        .contextValue("kms:CustomerMasterKeySpec", SYMMETRIC_DEFAULT)
        .contextValue("kms:CustomerMasterKeyUsage", ENCRYPT_DECRYPT)
        .contextValue("kms:KeyOrigin", "AWS_KMS")
        .contextValue("kms:MultiRegion", Boolean.toString(multiRegion));
    if (multiRegion) {
      b.contextValue("kms:MultiRegionKeyType", primary ? "PRIMARY" : "REPLICA");
    }
    if (!aliases.isEmpty()) {
      b.contextValue("kms:ResourceAliases", aliases);
    }
    if (KmsOperation.byNameIgnoreCase(operation)
        .filter(KmsOperation::isPermission)
        .filter(KmsOperation::hasEncryptionAlgorithm)
        .isPresent()) {
      b.contextValue("kms:EncryptionAlgorithm", SYMMETRIC_DEFAULT);
    }
  }

  /**
   * The facts of a CreateKey request, which describe the key asked for, defaults included; also
   * those of the CreateKey that ReplicateKey implies in the replica's Region.
   */
  public static Map<String, List<String>> createKey(
      String keySpec,
      String keyUsage,
      String origin,
      boolean multiRegion,
      boolean bypassPolicyLockoutSafetyCheck) {
    return Map.of(
        "kms:KeySpec",
        List.of(keySpec),
        "kms:KeyUsage",
        List.of(keyUsage),
        "kms:CustomerMasterKeySpec",
        List.of(keySpec),
        "kms:CustomerMasterKeyUsage",
        List.of(keyUsage),
        "kms:KeyOrigin",
        List.of(origin),
        "kms:MultiRegion",
        List.of(Boolean.toString(multiRegion)),
        "kms:BypassPolicyLockoutSafetyCheck",
        List.of(Boolean.toString(bypassPolicyLockoutSafetyCheck)));
  }
}

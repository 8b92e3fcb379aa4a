package dev.envelope.aws.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** KMS operation names, for canonical spelling and the per-operation rules KMS documents. */
final class KmsOperations {
  private static final Set<String> ALL =
      Set.of(
          "CancelKeyDeletion",
          "ConnectCustomKeyStore",
          "CreateAlias",
          "CreateCustomKeyStore",
          "CreateGrant",
          "CreateKey",
          "Decrypt",
          "DeleteAlias",
          "DeleteCustomKeyStore",
          "DeleteImportedKeyMaterial",
          "DeriveSharedSecret",
          "DescribeCustomKeyStores",
          "DescribeKey",
          "DisableKey",
          "DisableKeyRotation",
          "DisconnectCustomKeyStore",
          "EnableKey",
          "EnableKeyRotation",
          "Encrypt",
          "GenerateDataKey",
          "GenerateDataKeyPair",
          "GenerateDataKeyPairWithoutPlaintext",
          "GenerateDataKeyWithoutPlaintext",
          "GenerateMac",
          "GenerateRandom",
          "GetKeyPolicy",
          "GetKeyRotationStatus",
          "GetParametersForImport",
          "GetPublicKey",
          "ImportKeyMaterial",
          "ListAliases",
          "ListGrants",
          "ListKeyPolicies",
          "ListKeyRotations",
          "ListKeys",
          "ListResourceTags",
          "ListRetirableGrants",
          "PutKeyPolicy",
          "ReEncryptFrom",
          "ReEncryptTo",
          "ReplicateKey",
          "RetireGrant",
          "RevokeGrant",
          "RotateKeyOnDemand",
          "ScheduleKeyDeletion",
          "Sign",
          "TagResource",
          "UntagResource",
          "UpdateAlias",
          "UpdateCustomKeyStore",
          "UpdateKeyDescription",
          "UpdatePrimaryRegion",
          "Verify",
          "VerifyMac");

  private static final Map<String, String> BY_LOWER =
      ALL.stream()
          .collect(
              Collectors.toUnmodifiableMap(o -> o.toLowerCase(Locale.ROOT), Function.identity()));

  private KmsOperations() {}

  /**
   * The canonical spelling of a KMS operation; IAM action names are case-insensitive, and grants
   * and per-operation rules compare canonical names. Unknown names are returned unchanged.
   */
  static String canonical(String operation) {
    return BY_LOWER.getOrDefault(operation.toLowerCase(Locale.ROOT), operation);
  }
}

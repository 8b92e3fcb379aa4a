package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.KmsOperation.Kind.CRYPTOGRAPHIC;
import static dev.envelope.aws.policy.KmsOperation.Kind.MANAGEMENT;
import static dev.envelope.aws.policy.KmsOperation.QuotaGroup.ASYMMETRIC_CRYPTOGRAPHIC;
import static dev.envelope.aws.policy.KmsOperation.QuotaGroup.NONE;
import static dev.envelope.aws.policy.KmsOperation.QuotaGroup.OPERATION;
import static dev.envelope.aws.policy.KmsOperation.QuotaGroup.SYMMETRIC_CRYPTOGRAPHIC;
import static dev.envelope.aws.policy.KmsOperation.Trait.ADMINISTRATION;
import static dev.envelope.aws.policy.KmsOperation.Trait.API_ONLY;
import static dev.envelope.aws.policy.KmsOperation.Trait.ASYMMETRIC_OR_HMAC_KEY;
import static dev.envelope.aws.policy.KmsOperation.Trait.CROSS_ACCOUNT;
import static dev.envelope.aws.policy.KmsOperation.Trait.ENCRYPTION_ALGORITHM;
import static dev.envelope.aws.policy.KmsOperation.Trait.ENCRYPTION_CONTEXT;
import static dev.envelope.aws.policy.KmsOperation.Trait.GRANTABLE;
import static dev.envelope.aws.policy.KmsOperation.Trait.GRANT_IS_FOR_AWS_RESOURCE;
import static dev.envelope.aws.policy.KmsOperation.Trait.LOCAL;
import static dev.envelope.aws.policy.KmsOperation.Trait.NEEDS_ENABLED_KEY;
import static dev.envelope.aws.policy.KmsOperation.Trait.NO_CALLER_ACCOUNT;
import static dev.envelope.aws.policy.KmsOperation.Trait.ON_KEY;
import static dev.envelope.aws.policy.KmsOperation.Trait.PERMISSION_ONLY;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every KMS operation, and what Envelope knows about it: the evaluator, the linter, the doctor and
 * the local KMS (with its request quota) all ask this enum, so that each fact lives in one place.
 *
 * <p>A constant stands for an API operation (the name in {@code X-Amz-Target}), for a permission
 * (the IAM action {@code kms:<name>}, which is also what grants list), or for both, which is the
 * rule. The exception is ReEncrypt: the API operation {@link #RE_ENCRYPT} needs the two permissions
 * {@link #RE_ENCRYPT_FROM} (on the source key) and {@link #RE_ENCRYPT_TO} (on the destination key),
 * which are no operations of their own.
 *
 * <p>Sources: the KMS API reference (the operation list, and for each operation "Cross-account use"
 * and "Required permissions"), the developer guide's "Allowing users in other accounts to use a KMS
 * key", "Grant operations" (the {@code GrantOperation} values of the API), "Key type reference",
 * "Key states of AWS KMS keys", "Request quotas" and "AWS KMS condition keys"; the constants follow
 * the operations of the AWS SDK for Java 2.x KMS model.
 */
public enum KmsOperation {
  // ---- Cryptographic operations on a key, in the order a key user's statement usually lists them.
  ENCRYPT(
      "Encrypt",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY,
      LOCAL),
  DECRYPT(
      "Decrypt",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY,
      LOCAL),
  GENERATE_DATA_KEY(
      "GenerateDataKey",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY,
      LOCAL),
  GENERATE_DATA_KEY_WITHOUT_PLAINTEXT(
      "GenerateDataKeyWithoutPlaintext",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY,
      LOCAL),
  /** Protects the private key of the pair with a symmetric encryption key. */
  GENERATE_DATA_KEY_PAIR(
      "GenerateDataKeyPair",
      CRYPTOGRAPHIC,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      NEEDS_ENABLED_KEY),
  GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT(
      "GenerateDataKeyPairWithoutPlaintext",
      CRYPTOGRAPHIC,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      NEEDS_ENABLED_KEY),
  RE_ENCRYPT_FROM(
      "ReEncryptFrom",
      CRYPTOGRAPHIC,
      NONE,
      PERMISSION_ONLY,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY),
  RE_ENCRYPT_TO(
      "ReEncryptTo",
      CRYPTOGRAPHIC,
      NONE,
      PERMISSION_ONLY,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY),
  SIGN(
      "Sign",
      CRYPTOGRAPHIC,
      ASYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  VERIFY(
      "Verify",
      CRYPTOGRAPHIC,
      ASYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  /** HMAC keys count against the symmetric quota. */
  GENERATE_MAC(
      "GenerateMac",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  VERIFY_MAC(
      "VerifyMac",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  DERIVE_SHARED_SECRET(
      "DeriveSharedSecret",
      CRYPTOGRAPHIC,
      ASYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  /** ML-KEM keys. */
  ENCAPSULATE(
      "Encapsulate",
      CRYPTOGRAPHIC,
      ASYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  DECAPSULATE(
      "Decapsulate",
      CRYPTOGRAPHIC,
      ASYMMETRIC_CRYPTOGRAPHIC,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  /** The API operation; it is authorized as {@link #RE_ENCRYPT_FROM} and {@link #RE_ENCRYPT_TO}. */
  RE_ENCRYPT(
      "ReEncrypt",
      CRYPTOGRAPHIC,
      SYMMETRIC_CRYPTOGRAPHIC,
      API_ONLY,
      ON_KEY,
      CROSS_ACCOUNT,
      ENCRYPTION_CONTEXT,
      ENCRYPTION_ALGORITHM,
      NEEDS_ENABLED_KEY,
      LOCAL),
  /** Uses no key: random bytes from the KMS HSMs. */
  GENERATE_RANDOM("GenerateRandom", CRYPTOGRAPHIC, SYMMETRIC_CRYPTOGRAPHIC, NO_CALLER_ACCOUNT),

  // ---- Administration of a key: its policy, state, lifecycle, material, aliases, tags, Regions.
  PUT_KEY_POLICY("PutKeyPolicy", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  SCHEDULE_KEY_DELETION(
      "ScheduleKeyDeletion", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  CANCEL_KEY_DELETION("CancelKeyDeletion", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  DISABLE_KEY("DisableKey", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  ENABLE_KEY("EnableKey", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  /** Authorized on the alias (IAM policy) and on the key (key policy). */
  CREATE_ALIAS("CreateAlias", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  DELETE_ALIAS("DeleteAlias", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  UPDATE_ALIAS("UpdateAlias", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  TAG_RESOURCE("TagResource", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  UNTAG_RESOURCE("UntagResource", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  UPDATE_KEY_DESCRIPTION(
      "UpdateKeyDescription", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  ENABLE_KEY_ROTATION("EnableKeyRotation", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  DISABLE_KEY_ROTATION("DisableKeyRotation", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  ROTATE_KEY_ON_DEMAND("RotateKeyOnDemand", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  IMPORT_KEY_MATERIAL("ImportKeyMaterial", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  DELETE_IMPORTED_KEY_MATERIAL(
      "DeleteImportedKeyMaterial", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  GET_PARAMETERS_FOR_IMPORT(
      "GetParametersForImport", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),
  REPLICATE_KEY("ReplicateKey", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION, LOCAL),
  UPDATE_PRIMARY_REGION("UpdatePrimaryRegion", MANAGEMENT, OPERATION, ON_KEY, ADMINISTRATION),

  // ---- Grants.
  CREATE_GRANT(
      "CreateGrant",
      MANAGEMENT,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      GRANT_IS_FOR_AWS_RESOURCE,
      LOCAL),
  LIST_GRANTS(
      "ListGrants", MANAGEMENT, OPERATION, ON_KEY, CROSS_ACCOUNT, GRANT_IS_FOR_AWS_RESOURCE, LOCAL),
  REVOKE_GRANT(
      "RevokeGrant",
      MANAGEMENT,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANT_IS_FOR_AWS_RESOURCE,
      LOCAL),
  /** Authorized by the grant itself; an IAM policy may delegate the right (see the evaluator). */
  RETIRE_GRANT(
      "RetireGrant",
      MANAGEMENT,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NO_CALLER_ACCOUNT,
      LOCAL),
  LIST_RETIRABLE_GRANTS("ListRetirableGrants", MANAGEMENT, OPERATION, NO_CALLER_ACCOUNT),

  // ---- Reading a key.
  DESCRIBE_KEY("DescribeKey", MANAGEMENT, OPERATION, ON_KEY, CROSS_ACCOUNT, GRANTABLE, LOCAL),
  GET_PUBLIC_KEY(
      "GetPublicKey",
      MANAGEMENT,
      OPERATION,
      ON_KEY,
      CROSS_ACCOUNT,
      GRANTABLE,
      NEEDS_ENABLED_KEY,
      ASYMMETRIC_OR_HMAC_KEY),
  GET_KEY_POLICY("GetKeyPolicy", MANAGEMENT, OPERATION, ON_KEY, LOCAL),
  GET_KEY_ROTATION_STATUS("GetKeyRotationStatus", MANAGEMENT, OPERATION, ON_KEY, LOCAL),
  GET_KEY_LAST_USAGE("GetKeyLastUsage", MANAGEMENT, OPERATION, ON_KEY),
  LIST_KEY_POLICIES("ListKeyPolicies", MANAGEMENT, OPERATION, ON_KEY),
  LIST_KEY_ROTATIONS("ListKeyRotations", MANAGEMENT, OPERATION, ON_KEY),
  LIST_RESOURCE_TAGS("ListResourceTags", MANAGEMENT, OPERATION, ON_KEY),

  // ---- The account's keys and aliases: authorized by IAM policies only.
  CREATE_KEY("CreateKey", MANAGEMENT, OPERATION, NO_CALLER_ACCOUNT, LOCAL),
  LIST_KEYS("ListKeys", MANAGEMENT, OPERATION, NO_CALLER_ACCOUNT, LOCAL),
  LIST_ALIASES("ListAliases", MANAGEMENT, OPERATION, NO_CALLER_ACCOUNT, LOCAL),

  // ---- Custom key stores.
  CONNECT_CUSTOM_KEY_STORE("ConnectCustomKeyStore", MANAGEMENT, OPERATION),
  CREATE_CUSTOM_KEY_STORE("CreateCustomKeyStore", MANAGEMENT, OPERATION),
  DELETE_CUSTOM_KEY_STORE("DeleteCustomKeyStore", MANAGEMENT, OPERATION),
  DESCRIBE_CUSTOM_KEY_STORES("DescribeCustomKeyStores", MANAGEMENT, OPERATION),
  DISCONNECT_CUSTOM_KEY_STORE("DisconnectCustomKeyStore", MANAGEMENT, OPERATION),
  UPDATE_CUSTOM_KEY_STORE("UpdateCustomKeyStore", MANAGEMENT, OPERATION);

  /** KMS's own split of its operations. */
  public enum Kind {
    /** Uses key material (or, for GenerateRandom, the HSMs) on data: "cryptographic operations". */
    CRYPTOGRAPHIC,
    /** Creates, reads, changes or deletes keys, aliases, grants, tags or key stores. */
    MANAGEMENT
  }

  /** Which KMS request quota a request of an operation counts against. */
  public enum QuotaGroup {
    /**
     * "Cryptographic operations (symmetric) request rate": one quota per account and Region, shared
     * by every request with a symmetric encryption or HMAC key (and GenerateRandom). Encrypt,
     * Decrypt and ReEncrypt with an RSA key count against the RSA quota instead.
     */
    SYMMETRIC_CRYPTOGRAPHIC,
    /**
     * The shared cryptographic quota of the key's asymmetric type (RSA, ECC, ML-DSA, ML-KEM...).
     */
    ASYMMETRIC_CRYPTOGRAPHIC,
    /** A request quota of the operation's own. */
    OPERATION,
    /** No request quota: a permission only, never a request. */
    NONE
  }

  /** The facts that are true or false of an operation; package-private, read through methods. */
  enum Trait {
    /** A permission that no API operation of that name has (ReEncryptFrom, ReEncryptTo). */
    PERMISSION_ONLY,
    /** An API operation whose permissions have other names (ReEncrypt). */
    API_ONLY,
    /** Authorized on a KMS key (the "KMS key" resource), so that its key policy applies. */
    ON_KEY,
    /** KMS honours permissions for it on a key in another account. */
    CROSS_ACCOUNT,
    /** A grant may allow it (a {@code GrantOperation} of the API). */
    GRANTABLE,
    /** Takes an encryption context; grant constraints apply to it, and only to it. */
    ENCRYPTION_CONTEXT,
    /** Its request context carries kms:EncryptionAlgorithm (symmetric encryption operations). */
    ENCRYPTION_ALGORITHM,
    /**
     * Refused for a Disabled or PendingDeletion key (DisabledException, KMSInvalidStateException).
     */
    NEEDS_ENABLED_KEY,
    /** Valid only on asymmetric or HMAC keys, never on a symmetric encryption key. */
    ASYMMETRIC_OR_HMAC_KEY,
    /** Administers the key: what a key administrator holds and a key user should not. */
    ADMINISTRATION,
    /** Its request context carries kms:GrantIsForAWSResource. */
    GRANT_IS_FOR_AWS_RESOURCE,
    /** Its request context carries no kms:CallerAccount. */
    NO_CALLER_ACCOUNT,
    /** Implemented by Envelope's local KMS ({@code dev.envelope.aws.local}). */
    LOCAL
  }

  private static final Map<String, KmsOperation> BY_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(o -> o.name, Function.identity()));
  private static final Map<String, KmsOperation> BY_LOWER_NAME =
      Arrays.stream(values())
          .collect(
              Collectors.toUnmodifiableMap(
                  o -> o.name.toLowerCase(Locale.ROOT), Function.identity()));

  private final String name;
  private final Kind kind;
  private final QuotaGroup quotaGroup;
  private final Set<Trait> traits;

  KmsOperation(String name, Kind kind, QuotaGroup quotaGroup, Trait... traits) {
    this.name = name;
    this.kind = kind;
    this.quotaGroup = quotaGroup;
    this.traits =
        traits.length == 0 ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(Arrays.asList(traits));
  }

  /** The operation with exactly this name ({@code Decrypt}), as the API and grants spell it. */
  public static Optional<KmsOperation> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The operation with this name in any case: IAM action names are case-insensitive. */
  public static Optional<KmsOperation> byNameIgnoreCase(String name) {
    return Optional.ofNullable(BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The canonical spelling of an operation name; a name KMS does not know is returned as given. */
  public static String canonicalName(String name) {
    return byNameIgnoreCase(name).map(KmsOperation::operationName).orElse(name);
  }

  /** The name as KMS spells it: {@code GenerateDataKey}. */
  public String operationName() {
    return name;
  }

  /** The IAM action: {@code kms:GenerateDataKey}. */
  public String action() {
    return "kms:" + name;
  }

  public Kind kind() {
    return kind;
  }

  public QuotaGroup quotaGroup() {
    return quotaGroup;
  }

  /** True if KMS has an API operation of this name (all but ReEncryptFrom and ReEncryptTo). */
  public boolean isApiOperation() {
    return !traits.contains(PERMISSION_ONLY);
  }

  /** True if {@code kms:<name>} is a permission, in policies and grants (all but ReEncrypt). */
  public boolean isPermission() {
    return !traits.contains(API_ONLY);
  }

  /** True if the operation is authorized on a KMS key, so that the key policy applies to it. */
  public boolean onKey() {
    return traits.contains(ON_KEY);
  }

  /** True if KMS honours permissions for this operation on a key of another account. */
  public boolean crossAccount() {
    return traits.contains(CROSS_ACCOUNT);
  }

  /** True if a grant may allow this operation. */
  public boolean grantable() {
    return traits.contains(GRANTABLE);
  }

  /** True if the operation takes an encryption context; grant constraints apply only to these. */
  public boolean takesEncryptionContext() {
    return traits.contains(ENCRYPTION_CONTEXT);
  }

  /** True if the request context of the operation carries kms:EncryptionAlgorithm. */
  public boolean hasEncryptionAlgorithm() {
    return traits.contains(ENCRYPTION_ALGORITHM);
  }

  /** True if KMS refuses the operation on a Disabled or PendingDeletion key. */
  public boolean needsEnabledKey() {
    return traits.contains(NEEDS_ENABLED_KEY);
  }

  /** False for the operations that need an asymmetric or HMAC key. */
  public boolean validOnSymmetricEncryptionKey() {
    return !traits.contains(ASYMMETRIC_OR_HMAC_KEY);
  }

  /**
   * True for the operations that administer a key (policy, state, deletion, rotation, material,
   * aliases, tags, Regions), which the linter expects only key administrators to hold. RevokeGrant
   * is not among them: it only removes access, and the console gives it to key users.
   */
  public boolean administersKey() {
    return traits.contains(ADMINISTRATION);
  }

  /** True if KMS puts kms:GrantIsForAWSResource into the request context of this operation. */
  public boolean setsGrantIsForAwsResource() {
    return traits.contains(GRANT_IS_FOR_AWS_RESOURCE);
  }

  /** False for the operations whose request context has no kms:CallerAccount. */
  public boolean setsCallerAccount() {
    return !traits.contains(NO_CALLER_ACCOUNT);
  }

  /** True if Envelope's local KMS implements this API operation. */
  public boolean implementedLocally() {
    return traits.contains(LOCAL);
  }

  /** The name as KMS spells it, so that lists of operations read as KMS writes them. */
  @Override
  public String toString() {
    return name;
  }
}

package dev.envelope.aws;

import java.util.Map;
import java.util.UUID;

/**
 * Where branch keys live, wrapped by a KMS key, and the operations of the AWS Encryption SDK's
 * branch key store ({@code framework/branch-key-store.md}): create a branch key, version (rotate)
 * it, and read and decrypt its active version or any one version. {@link DynamoDbBranchKeyStore}
 * keeps them in a DynamoDB table laid out exactly as the AWS Material Providers Library's {@code
 * KeyStore} does, so both can share a table; {@link JdbcBranchKeyStore} keeps them in one SQL
 * table.
 *
 * <p>Reading a branch key costs one KMS {@code Decrypt}; the {@link HierarchicalKeyring} caches
 * what it reads. Every failure is a {@link BranchKeyStoreException} that names the store, the
 * branch key and the KMS key. Implementations are thread-safe.
 */
public interface BranchKeyStore {

  /**
   * The logical key store name: bound into the KMS encryption context of every branch key (as
   * {@code tablename}) and into the keyring's cache identifiers. One name per physical store.
   */
  String logicalKeyStoreName();

  /** Says which store this is (table and where it lives), for messages; no secrets. */
  String description();

  /** Creates a branch key with a random (version 4 UUID) id and no custom encryption context. */
  default String createBranchKey() {
    return createBranchKey(UUID.randomUUID().toString(), Map.of());
  }

  /**
   * Creates branch key {@code branchKeyId}: its first version (active) and its beacon key, with
   * {@code encryptionContext} bound to every version (stored with the {@code aws-crypto-ec:}
   * prefix).
   *
   * @return the branch key id
   * @throws BranchKeyStoreException with {@link BranchKeyStoreException.Reason#ALREADY_EXISTS} if
   *     the id is taken, or another reason if KMS or the store fails; nothing is written then
   */
  String createBranchKey(String branchKeyId, Map<String, String> encryptionContext);

  /**
   * Rotates: makes a new version of the branch key and makes it the active one. Older versions stay
   * readable, so messages written under them still decrypt.
   *
   * @return the new version
   * @throws BranchKeyStoreException with {@link
   *     BranchKeyStoreException.Reason#CONCURRENT_MODIFICATION} if another rotation won the race
   *     (nothing is written: retry), or another reason
   */
  String versionBranchKey(String branchKeyId);

  /** The active version, decrypted with KMS. The caller owns (and should destroy) the result. */
  BranchKeyMaterials activeBranchKey(String branchKeyId);

  /** One version, decrypted with KMS. The caller owns (and should destroy) the result. */
  BranchKeyMaterials branchKeyVersion(String branchKeyId, String version);

  /** What the store holds for a branch key, without any KMS call. */
  BranchKeyDescription describeBranchKey(String branchKeyId);
}

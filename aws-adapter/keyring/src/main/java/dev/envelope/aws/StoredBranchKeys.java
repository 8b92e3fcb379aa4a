package dev.envelope.aws;

import dev.envelope.aws.BranchKeyStoreException.Reason;
import dev.envelope.internal.text.UntrustedText;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The branch key store operations of the AWS Encryption SDK specification ({@code
 * framework/branch-key-store.md}) over any {@link BranchKeyTable}: which KMS calls, with which
 * encryption contexts, and which records to write. The DynamoDB and JDBC stores differ only in
 * their table.
 *
 * <ul>
 *   <li>Create: {@code GenerateDataKeyWithoutPlaintext} under the version record's context, {@code
 *       ReEncrypt} of that ciphertext to the active record's context, {@code
 *       GenerateDataKeyWithoutPlaintext} for the beacon key; the three records are written at once,
 *       only if the id is new.
 *   <li>Version: read the active record, authenticate it with {@code ReEncrypt} (its context to
 *       itself), make a new version as above, and write it, only if the active record did not
 *       change meanwhile.
 *   <li>Read: {@code Decrypt} of {@code enc} with the record's own context, naming the configured
 *       KMS key.
 * </ul>
 */
final class StoredBranchKeys {
  private static final DateTimeFormatter CREATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final BranchKeyTable table;
  private final String logicalKeyStoreName;
  private final KmsArn kmsKey;
  private final KmsCalls kms;
  private final Clock clock;

  StoredBranchKeys(
      BranchKeyTable table, String logicalKeyStoreName, KmsArn kmsKey, KmsCalls kms, Clock clock) {
    this.table = table;
    this.logicalKeyStoreName = logicalKeyStoreName;
    this.kmsKey = kmsKey;
    this.kms = kms;
    this.clock = clock;
  }

  String description() {
    return table.description()
        + " (logical key store name "
        + logicalKeyStoreName
        + ", KMS key "
        + kmsKey
        + ")";
  }

  String logicalKeyStoreName() {
    return logicalKeyStoreName;
  }

  String createBranchKey(String branchKeyId, Map<String, String> encryptionContext) {
    checkId(branchKeyId);
    Objects.requireNonNull(encryptionContext, "encryptionContext");
    for (Map.Entry<String, String> e : encryptionContext.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
        throw new IllegalArgumentException(
            "custom encryption context keys must be non-empty and values non-null");
      }
    }
    String version = UUID.randomUUID().toString();
    String now = CREATE_TIME.format(clock.instant());
    BranchKeyItem[] records = newVersion(branchKeyId, version, now, encryptionContext);
    BranchKeyItem beacon =
        BranchKeyItem.of(
            branchKeyId,
            BranchKeyItem.TYPE_BEACON,
            null,
            now,
            kmsKey.toString(),
            encryptionContext,
            null);
    beacon = beacon.withEnc(wrapNew(beacon, branchKeyId, null));
    try {
      table.insertBranchKey(records[0], records[1], beacon);
    } catch (BranchKeyTable.Failure f) {
      throw fromTable(
          f,
          branchKeyId,
          null,
          f.reason == Reason.ALREADY_EXISTS
              ? "branch key "
                  + branchKeyId
                  + " already exists in "
                  + description()
                  + "; nothing was written."
                  + " Pick another id, or version (rotate) the existing key instead"
              : "could not write new branch key "
                  + branchKeyId
                  + " to "
                  + description()
                  + ": "
                  + f.getMessage());
    }
    return branchKeyId;
  }

  String versionBranchKey(String branchKeyId) {
    checkId(branchKeyId);
    BranchKeyItem active = read(branchKeyId, BranchKeyItem.TYPE_ACTIVE, null);
    checkRecord(active, branchKeyId, null);
    checkKmsKey(active, branchKeyId, null);
    Map<String, String> context = active.encryptionContext(logicalKeyStoreName);
    // Authenticates the active record: KMS accepts the ciphertext only with exactly this context,
    // so a record whose attributes were altered in the table fails here, before a new version is
    // derived from it.
    try {
      kms.reEncrypt(kmsKey, context, active.enc(), kmsKey, context);
    } catch (KmsKeyProviderException e) {
      throw kmsFailure(
          e,
          "ReEncrypt (authenticating the active record)",
          branchKeyId,
          active.branchKeyVersion());
    }
    String version = UUID.randomUUID().toString();
    BranchKeyItem[] records =
        newVersion(
            branchKeyId, version, CREATE_TIME.format(clock.instant()), active.customContext());
    try {
      table.insertVersion(records[0], records[1], active.enc());
    } catch (BranchKeyTable.Failure f) {
      throw fromTable(
          f,
          branchKeyId,
          version,
          f.reason == Reason.CONCURRENT_MODIFICATION
              ? "branch key "
                  + branchKeyId
                  + " in "
                  + description()
                  + " was rotated by someone else while this rotation"
                  + " ran; nothing was written. Read it again, and rotate again only if still needed"
              : "could not write version "
                  + version
                  + " of branch key "
                  + branchKeyId
                  + " to "
                  + description()
                  + ": "
                  + f.getMessage());
    }
    return version;
  }

  BranchKeyMaterials activeBranchKey(String branchKeyId) {
    checkId(branchKeyId);
    return decrypt(read(branchKeyId, BranchKeyItem.TYPE_ACTIVE, null), branchKeyId, null);
  }

  BranchKeyMaterials branchKeyVersion(String branchKeyId, String version) {
    checkId(branchKeyId);
    BranchKeyMaterials.checkVersion(version);
    return decrypt(
        read(branchKeyId, BranchKeyItem.VERSION_PREFIX + version, version), branchKeyId, version);
  }

  BranchKeyDescription describeBranchKey(String branchKeyId) {
    checkId(branchKeyId);
    List<BranchKeyItem> items;
    try {
      items = table.all(branchKeyId);
    } catch (BranchKeyTable.Failure f) {
      throw fromTable(
          f,
          branchKeyId,
          null,
          "could not read branch key "
              + branchKeyId
              + " from "
              + description()
              + ": "
              + f.getMessage());
    }
    BranchKeyItem active =
        items.stream()
            .filter(i -> BranchKeyItem.TYPE_ACTIVE.equals(i.type()))
            .findFirst()
            .orElseThrow(() -> notFound(branchKeyId));
    checkRecord(active, branchKeyId, null);
    List<BranchKeyDescription.Version> versions = new ArrayList<>();
    for (BranchKeyItem i : items) {
      if (i.type() != null && i.type().startsWith(BranchKeyItem.VERSION_PREFIX)) {
        versions.add(new BranchKeyDescription.Version(i.branchKeyVersion(), i.createTime()));
      }
    }
    versions.sort(
        Comparator.comparing(
            BranchKeyDescription.Version::createTime,
            Comparator.nullsFirst(Comparator.naturalOrder())));
    return new BranchKeyDescription(
        branchKeyId, active.branchKeyVersion(), active.kmsArn(), active.customContext(), versions);
  }

  /** The version record and the active record of a new version, both wrapped by KMS. */
  private BranchKeyItem[] newVersion(
      String branchKeyId, String version, String createTime, Map<String, String> customContext) {
    BranchKeyItem decryptOnly =
        BranchKeyItem.of(
            branchKeyId,
            BranchKeyItem.VERSION_PREFIX + version,
            null,
            createTime,
            kmsKey.toString(),
            customContext,
            null);
    BranchKeyItem active =
        BranchKeyItem.of(
            branchKeyId,
            BranchKeyItem.TYPE_ACTIVE,
            version,
            createTime,
            kmsKey.toString(),
            customContext,
            null);
    byte[] wrapped = wrapNew(decryptOnly, branchKeyId, version);
    KmsCalls.Result r;
    try {
      r =
          kms.reEncrypt(
              kmsKey,
              decryptOnly.encryptionContext(logicalKeyStoreName),
              wrapped,
              kmsKey,
              active.encryptionContext(logicalKeyStoreName));
    } catch (KmsKeyProviderException e) {
      throw kmsFailure(e, "ReEncrypt", branchKeyId, version);
    }
    return new BranchKeyItem[] {
      decryptOnly.withEnc(wrapped), active.withEnc(checkCiphertext(r, branchKeyId, version))
    };
  }

  private byte[] wrapNew(BranchKeyItem record, String branchKeyId, String version) {
    try {
      KmsCalls.Result r =
          kms.generateDataKeyWithoutPlaintext(
              kmsKey, BranchKeyMaterials.KEY_LENGTH, record.encryptionContext(logicalKeyStoreName));
      return checkCiphertext(r, branchKeyId, version);
    } catch (KmsKeyProviderException e) {
      throw kmsFailure(e, "GenerateDataKeyWithoutPlaintext", branchKeyId, version);
    }
  }

  private byte[] checkCiphertext(KmsCalls.Result r, String branchKeyId, String version) {
    if (r.ciphertext() == null || r.ciphertext().length == 0) {
      throw new BranchKeyStoreException(
          Reason.KMS_FAILURE,
          description(),
          branchKeyId,
          version,
          kmsKey.toString(),
          "KMS returned no CiphertextBlob for branch key "
              + branchKeyId
              + " with "
              + kmsKey
              + "; the endpoint did not behave like KMS",
          null);
    }
    return r.ciphertext();
  }

  private BranchKeyItem read(String branchKeyId, String type, String version) {
    Optional<BranchKeyItem> item;
    try {
      item = table.get(branchKeyId, type);
    } catch (BranchKeyTable.Failure f) {
      throw fromTable(
          f,
          branchKeyId,
          version,
          "could not read branch key "
              + branchKeyId
              + (version != null ? " version " + version : "")
              + " from "
              + description()
              + ": "
              + f.getMessage());
    }
    if (item.isPresent()) {
      return item.get();
    }
    if (version == null) {
      throw notFound(branchKeyId);
    }
    // Tell a missing version of an existing key from a key that does not exist at all.
    boolean keyExists;
    try {
      keyExists = table.get(branchKeyId, BranchKeyItem.TYPE_ACTIVE).isPresent();
    } catch (BranchKeyTable.Failure f) {
      keyExists = true;
    }
    if (!keyExists) {
      throw notFound(branchKeyId);
    }
    throw new BranchKeyStoreException(
        Reason.VERSION_NOT_FOUND,
        description(),
        branchKeyId,
        version,
        kmsKey.toString(),
        "branch key "
            + branchKeyId
            + " has no version "
            + version
            + " in "
            + description()
            + ": data keys wrapped"
            + " under that version cannot be unwrapped. Was the version record deleted, or the table restored from"
            + " an older backup? Restore the record to decrypt such messages",
        null);
  }

  private BranchKeyStoreException notFound(String branchKeyId) {
    return new BranchKeyStoreException(
        Reason.BRANCH_KEY_NOT_FOUND,
        description(),
        branchKeyId,
        null,
        kmsKey.toString(),
        "no branch key "
            + branchKeyId
            + " in "
            + description()
            + ". Create it first (the store's"
            + " createBranchKey, or `envelope branch-key create`), or check the id, the table and the logical key"
            + " store name",
        null);
  }

  private BranchKeyMaterials decrypt(BranchKeyItem item, String branchKeyId, String version) {
    checkRecord(item, branchKeyId, version);
    checkKmsKey(item, branchKeyId, version);
    String itemVersion = item.branchKeyVersion();
    KmsCalls.Result r;
    try {
      r = kms.decrypt(kmsKey, item.enc(), item.encryptionContext(logicalKeyStoreName));
    } catch (KmsKeyProviderException e) {
      throw kmsFailure(e, "Decrypt", branchKeyId, itemVersion);
    }
    byte[] plaintext = r.plaintext();
    try {
      if (!kmsKey.toString().equals(r.keyId())) {
        throw new BranchKeyStoreException(
            Reason.KMS_FAILURE,
            description(),
            branchKeyId,
            itemVersion,
            kmsKey.toString(),
            "KMS Decrypt of branch key "
                + branchKeyId
                + " returned KeyId "
                + UntrustedText.printable(r.keyId(), UntrustedText.MAX_CHARS)
                + ", not "
                + kmsKey
                + "; refusing the response",
            null);
      }
      if (plaintext == null || plaintext.length != BranchKeyMaterials.KEY_LENGTH) {
        throw new BranchKeyStoreException(
            Reason.INVALID_RECORD,
            description(),
            branchKeyId,
            itemVersion,
            kmsKey.toString(),
            "branch key "
                + branchKeyId
                + " version "
                + itemVersion
                + " decrypted to "
                + (plaintext == null ? 0 : plaintext.length)
                + " bytes, not "
                + BranchKeyMaterials.KEY_LENGTH,
            null);
      }
      return BranchKeyMaterials.wrap(
          branchKeyId, itemVersion, item.customContext(), plaintext.clone());
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  /** The fields the specification requires, with the shapes it requires. */
  private void checkRecord(BranchKeyItem item, String branchKeyId, String version) {
    Map<String, String> a = item.attributes();
    String problem = null;
    for (String field :
        List.of(
            BranchKeyItem.BRANCH_KEY_ID,
            BranchKeyItem.TYPE,
            BranchKeyItem.CREATE_TIME,
            BranchKeyItem.KMS_ARN,
            BranchKeyItem.HIERARCHY_VERSION)) {
      if (a.get(field) == null || a.get(field).isEmpty()) {
        problem = "it has no " + field;
        break;
      }
    }
    if (problem == null && a.containsKey(BranchKeyItem.TABLE_NAME)) {
      problem = "it has an attribute named " + BranchKeyItem.TABLE_NAME + ", which is reserved";
    }
    if (problem == null && !branchKeyId.equals(item.branchKeyId())) {
      problem = "it names branch key " + item.branchKeyId();
    }
    if (problem == null) {
      String v = item.branchKeyVersion();
      boolean validVersion;
      try {
        BranchKeyMaterials.checkVersion(v);
        validVersion = true;
      } catch (RuntimeException e) {
        validVersion = false;
      }
      if (!validVersion) {
        problem =
            "its version ("
                + UntrustedText.printable(
                    String.valueOf(
                        a.get(
                            BranchKeyItem.TYPE_ACTIVE.equals(item.type())
                                ? BranchKeyItem.VERSION
                                : BranchKeyItem.TYPE)),
                    UntrustedText.MAX_CHARS)
                + ") is not branch:version:<uuid>";
      } else if (version != null && !version.equals(v)) {
        problem = "it holds version " + v;
      }
    }
    if (problem == null && item.enc().length == 0) {
      problem = "its enc is empty";
    }
    if (problem != null) {
      throw new BranchKeyStoreException(
          Reason.INVALID_RECORD,
          description(),
          branchKeyId,
          version,
          kmsKey.toString(),
          "the record of branch key "
              + branchKeyId
              + " ("
              + item.type()
              + ") in "
              + description()
              + " is not a valid branch key record: "
              + problem,
          null);
    }
  }

  private void checkKmsKey(BranchKeyItem item, String branchKeyId, String version) {
    if (!kmsKey.toString().equals(item.kmsArn())) {
      throw new BranchKeyStoreException(
          Reason.KMS_KEY_MISMATCH,
          description(),
          branchKeyId,
          version,
          kmsKey.toString(),
          "branch key "
              + branchKeyId
              + " in "
              + description()
              + " is wrapped by KMS key "
              + UntrustedText.printable(item.kmsArn(), UntrustedText.MAX_CHARS)
              + ", but this store is configured with "
              + kmsKey
              + "; configure the store with the key the branch key was created with",
          null);
    }
  }

  private BranchKeyStoreException kmsFailure(
      KmsKeyProviderException e, String operation, String branchKeyId, String version) {
    return new BranchKeyStoreException(
        Reason.KMS_FAILURE,
        description(),
        branchKeyId,
        version,
        kmsKey.toString(),
        "KMS "
            + operation
            + " for branch key "
            + branchKeyId
            + (version != null ? " version " + version : "")
            + " with KMS key "
            + kmsKey
            + " (store "
            + description()
            + ") failed: "
            + e.getMessage(),
        e);
  }

  private BranchKeyStoreException fromTable(
      BranchKeyTable.Failure f, String branchKeyId, String version, String message) {
    return new BranchKeyStoreException(
        f.reason,
        description(),
        branchKeyId,
        version,
        kmsKey.toString(),
        message,
        f.getCause() != null ? f.getCause() : f);
  }

  private static void checkId(String branchKeyId) {
    if (Objects.requireNonNull(branchKeyId, "branchKeyId").isEmpty()) {
      throw new IllegalArgumentException("branch key id must not be empty");
    }
  }
}

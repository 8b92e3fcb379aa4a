package dev.envelope.aws;

import java.util.Map;

/**
 * What the DynamoDB and JDBC branch key stores share: the specification's operations ({@link
 * StoredBranchKeys}) over their table, and creating that table. Each store adds only its builder.
 */
abstract class TableBranchKeyStore implements BranchKeyStore {
  private final BranchKeyTable table;
  private final StoredBranchKeys keys;

  TableBranchKeyStore(BranchKeyTable table, StoredBranchKeys keys) {
    this.table = table;
    this.keys = keys;
  }

  /**
   * Creates the table unless it exists. DynamoDB: on-demand capacity, and waits until the table is
   * active; an existing table must have the key store's key schema. JDBC: {@code CREATE TABLE} if
   * it does not exist.
   *
   * @throws BranchKeyStoreException naming the store if the table cannot be created
   */
  public void createTable() {
    try {
      table.createTable();
    } catch (BranchKeyTable.Failure f) {
      throw new BranchKeyStoreException(
          f.reason,
          description(),
          null,
          null,
          null,
          "could not create the branch key table in " + description() + ": " + f.getMessage(),
          f.getCause());
    }
  }

  @Override
  public String logicalKeyStoreName() {
    return keys.logicalKeyStoreName();
  }

  @Override
  public String description() {
    return keys.description();
  }

  @Override
  public String createBranchKey(String branchKeyId, Map<String, String> encryptionContext) {
    return keys.createBranchKey(branchKeyId, encryptionContext);
  }

  @Override
  public String versionBranchKey(String branchKeyId) {
    return keys.versionBranchKey(branchKeyId);
  }

  @Override
  public BranchKeyMaterials activeBranchKey(String branchKeyId) {
    return keys.activeBranchKey(branchKeyId);
  }

  @Override
  public BranchKeyMaterials branchKeyVersion(String branchKeyId, String version) {
    return keys.branchKeyVersion(branchKeyId, version);
  }

  @Override
  public BranchKeyDescription describeBranchKey(String branchKeyId) {
    return keys.describeBranchKey(branchKeyId);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + description() + "]";
  }
}

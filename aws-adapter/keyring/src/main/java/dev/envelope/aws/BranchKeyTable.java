package dev.envelope.aws;

import java.util.List;
import java.util.Optional;

/**
 * The storage half of a branch key store: reads and conditional writes of {@link BranchKeyItem}s,
 * keyed by branch key id and {@code type}. No KMS here; {@link StoredBranchKeys} does that.
 * Failures are {@link Failure}s, which the store turns into {@link BranchKeyStoreException}s naming
 * the key.
 */
interface BranchKeyTable {

  /** Which table and where, for messages; no secrets. */
  String description();

  /**
   * Creates the table unless it exists.
   *
   * @throws Failure if it cannot be created, or an existing table has another key schema
   */
  void createTable();

  Optional<BranchKeyItem> get(String branchKeyId, String type);

  /** Every record of a branch key (versions, active, beacon). */
  List<BranchKeyItem> all(String branchKeyId);

  /**
   * Writes a new branch key's three records at once, only if no record of that id exists.
   *
   * @throws Failure with {@link BranchKeyStoreException.Reason#ALREADY_EXISTS} if one does
   */
  void insertBranchKey(BranchKeyItem version, BranchKeyItem active, BranchKeyItem beacon);

  /**
   * Writes a new version record and replaces the active record at once, only if the active record's
   * {@code enc} is still {@code expectedActiveEnc} (no other rotation came in between).
   *
   * @throws Failure with {@link BranchKeyStoreException.Reason#CONCURRENT_MODIFICATION} if it is
   *     not
   */
  void insertVersion(BranchKeyItem version, BranchKeyItem active, byte[] expectedActiveEnc);

  /** A storage failure, with its reason; the message says what the table or driver said. */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final BranchKeyStoreException.Reason reason;

    Failure(BranchKeyStoreException.Reason reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }
  }
}

package dev.envelope.aws;

import dev.envelope.KeyProviderException;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link BranchKeyStore} could not do what was asked. {@link #reason()} says what kind of failure
 * it is; the message says which store, which branch key (and version) and which KMS key, and what
 * to do. A KMS failure has the {@link KmsKeyProviderException}, with its diagnosis, as cause.
 */
public class BranchKeyStoreException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure. */
  public enum Reason {
    /** The store has no branch key with that id. */
    BRANCH_KEY_NOT_FOUND,
    /** The branch key exists but not that version (never written here, or deleted). */
    VERSION_NOT_FOUND,
    /** Creating a branch key whose id is taken. */
    ALREADY_EXISTS,
    /** A rotation lost a race with another one; nothing was written. */
    CONCURRENT_MODIFICATION,
    /**
     * The store could not be reached, timed out, or refused the request (missing table,
     * permissions).
     */
    STORE_UNAVAILABLE,
    /** A stored record lacks fields or has malformed ones. */
    INVALID_RECORD,
    /** The record is wrapped by another KMS key than the store is configured with. */
    KMS_KEY_MISMATCH,
    /** KMS refused or failed a request; the cause is a {@link KmsKeyProviderException}. */
    KMS_FAILURE
  }

  private final Reason reason;
  private final String store;
  private final String branchKeyId;
  private final String version;
  private final String kmsKeyArn;

  BranchKeyStoreException(
      Reason reason,
      String store,
      String branchKeyId,
      String version,
      String kmsKeyArn,
      String message,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.store = store;
    this.branchKeyId = branchKeyId;
    this.version = version;
    this.kmsKeyArn = kmsKeyArn;
  }

  public Reason reason() {
    return reason;
  }

  /** The store's {@link BranchKeyStore#description()}. */
  public String store() {
    return store;
  }

  /** The branch key the operation was about, if any. */
  public Optional<String> branchKeyId() {
    return Optional.ofNullable(branchKeyId);
  }

  /** The branch key version the operation was about, if one. */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** The KMS key that wraps (or was to wrap) the branch key. */
  public Optional<String> kmsKeyArn() {
    return Optional.ofNullable(kmsKeyArn);
  }
}

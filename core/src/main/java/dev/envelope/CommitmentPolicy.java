package dev.envelope;

/**
 * Whether messages must use key-committing algorithm suites. Key commitment guarantees that a
 * message decrypts to exactly one plaintext, whatever data key is tried; legacy suites lack it.
 */
public enum CommitmentPolicy {
  /** Encrypt and decrypt only committing suites. The default. */
  REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  /**
   * Encrypt with committing suites, but also decrypt legacy non-committing (message format v1)
   * messages, for reading data written by older AWS Encryption SDK versions during a migration.
   */
  REQUIRE_ENCRYPT_ALLOW_DECRYPT;

  /** Whether a message of this suite may be decrypted under this policy. */
  public boolean allowsDecrypt(AlgorithmSuite suite) {
    return suite.isCommitting() || this == REQUIRE_ENCRYPT_ALLOW_DECRYPT;
  }
}

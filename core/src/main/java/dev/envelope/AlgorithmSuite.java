package dev.envelope;

import java.util.Optional;

/**
 * The algorithm suites of the AWS Encryption SDK message format. Envelope encrypts with the two
 * committing suites of message format v2; the legacy suites of format v1 are here only so that
 * messages the official SDK produced under a permissive {@link CommitmentPolicy} can be decrypted.
 *
 * <p>All suites use AES-GCM with a 12-byte IV and a 16-byte tag.
 */
public enum AlgorithmSuite {
  AES_128_GCM_NO_KDF(0x0014, 1, 16, Kdf.NONE, Signature.NONE),
  AES_192_GCM_NO_KDF(0x0046, 1, 24, Kdf.NONE, Signature.NONE),
  AES_256_GCM_NO_KDF(0x0078, 1, 32, Kdf.NONE, Signature.NONE),
  AES_128_GCM_HKDF_SHA256(0x0114, 1, 16, Kdf.HKDF_SHA256, Signature.NONE),
  AES_192_GCM_HKDF_SHA256(0x0146, 1, 24, Kdf.HKDF_SHA256, Signature.NONE),
  AES_256_GCM_HKDF_SHA256(0x0178, 1, 32, Kdf.HKDF_SHA256, Signature.NONE),
  AES_128_GCM_HKDF_SHA256_ECDSA_P256(0x0214, 1, 16, Kdf.HKDF_SHA256, Signature.ECDSA_P256),
  AES_192_GCM_HKDF_SHA384_ECDSA_P384(0x0346, 1, 24, Kdf.HKDF_SHA384, Signature.ECDSA_P384),
  AES_256_GCM_HKDF_SHA384_ECDSA_P384(0x0378, 1, 32, Kdf.HKDF_SHA384, Signature.ECDSA_P384),
  /** The default: committing, unsigned, fastest. */
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY(0x0478, 2, 32, Kdf.HKDF_SHA512, Signature.NONE),
  /**
   * Committing and signed with ECDSA P-384: use when those who can decrypt must not be able to
   * forge messages. Signing costs a key pair per message, so it is far slower than the default.
   */
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384(
      0x0578, 2, 32, Kdf.HKDF_SHA512, Signature.ECDSA_P384);

  /** The key derivation a suite uses. */
  public enum Kdf {
    NONE,
    HKDF_SHA256,
    HKDF_SHA384,
    HKDF_SHA512
  }

  /** The trailing signature a suite uses. */
  public enum Signature {
    NONE,
    ECDSA_P256,
    ECDSA_P384
  }

  /** GCM IV length, the same for every suite. */
  public static final int IV_LENGTH = 12;

  /** GCM tag length, the same for every suite. */
  public static final int TAG_LENGTH = 16;

  private final short id;
  private final int messageFormatVersion;
  private final int dataKeyLength;
  private final Kdf kdf;
  private final Signature signature;

  AlgorithmSuite(
      int id, int messageFormatVersion, int dataKeyLength, Kdf kdf, Signature signature) {
    this.id = (short) id;
    this.messageFormatVersion = messageFormatVersion;
    this.dataKeyLength = dataKeyLength;
    this.kdf = kdf;
    this.signature = signature;
  }

  /** The two-byte identifier written in the message header. */
  public short id() {
    return id;
  }

  /** 1 for legacy suites, 2 for committing ones. */
  public int messageFormatVersion() {
    return messageFormatVersion;
  }

  /** Length in bytes of the plaintext data key (and of the derived AES key). */
  public int dataKeyLength() {
    return dataKeyLength;
  }

  public Kdf kdf() {
    return kdf;
  }

  public Signature signature() {
    return signature;
  }

  public boolean isSigned() {
    return signature != Signature.NONE;
  }

  /** Whether the suite commits to its data key (format v2). */
  public boolean isCommitting() {
    return messageFormatVersion == 2;
  }

  /** Whether Envelope may encrypt with this suite. */
  public boolean canEncrypt() {
    return isCommitting();
  }

  /** {@code values()} copies its array on each call; every header parse looks a suite up. */
  private static final AlgorithmSuite[] ALL = values();

  /** The suite with this header identifier, if any. */
  public static Optional<AlgorithmSuite> fromId(short id) {
    for (AlgorithmSuite suite : ALL) {
      if (suite.id == id) {
        return Optional.of(suite);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name() + String.format("(0x%04X)", id & 0xFFFF);
  }
}

package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.crypto.Hkdf;
import dev.envelope.internal.crypto.OwnedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * The per-message AES key derived from the data key, and for committing suites the key commitment.
 *
 * <ul>
 *   <li>v2 (committing): key = HKDF-SHA512(salt = message id, ikm = data key, info = suite id ||
 *       "DERIVEKEY"); commitment = HKDF-SHA512(salt = message id, ikm = data key, info =
 *       "COMMITKEY").
 *   <li>v1 with HKDF: key = HKDF-SHAx(no salt, ikm = data key, info = suite id || message id).
 *   <li>v1 without KDF: the data key itself.
 * </ul>
 *
 * <p>Owns the derived key bytes and zeroes them on {@link #close()}. The JCE copies the key into
 * the cipher it initialises; Envelope re-initialises its ciphers after each message to drop that
 * copy.
 */
final class MessageKeys implements AutoCloseable {
  private static final byte[] DERIVE_KEY_LABEL = "DERIVEKEY".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COMMIT_KEY_LABEL = "COMMITKEY".getBytes(StandardCharsets.UTF_8);

  private final OwnedKey key;
  private final byte[] commitment;

  private MessageKeys(byte[] keyBytes, byte[] commitment) {
    this.key = new OwnedKey(keyBytes, "AES");
    this.commitment = commitment;
  }

  static MessageKeys derive(AlgorithmSuite suite, byte[] dataKey, byte[] messageId) {
    if (dataKey.length != suite.dataKeyLength()) {
      throw new IllegalArgumentException("data key length does not match the suite");
    }
    byte[] suiteId = ByteBuffer.allocate(2).putShort(suite.id()).array();
    switch (suite.kdf()) {
      case NONE:
        return new MessageKeys(dataKey.clone(), null);
      case HKDF_SHA256:
      case HKDF_SHA384:
        {
          String mac = suite.kdf() == AlgorithmSuite.Kdf.HKDF_SHA256 ? "HmacSHA256" : "HmacSHA384";
          byte[] info = concat(suiteId, messageId);
          return new MessageKeys(
              Hkdf.derive(mac, null, dataKey, info, suite.dataKeyLength()), null);
        }
      case HKDF_SHA512:
        {
          // Both come from the same salt and input key: one extract, two expands.
          byte[][] keys =
              Hkdf.derive(
                  "HmacSHA512",
                  messageId,
                  dataKey,
                  new byte[][] {concat(suiteId, DERIVE_KEY_LABEL), COMMIT_KEY_LABEL},
                  new int[] {suite.dataKeyLength(), MessageHeader.COMMITMENT_LENGTH});
          return new MessageKeys(keys[0], keys[1]);
        }
      default:
        throw new IllegalStateException("unknown KDF " + suite.kdf());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  SecretKey key() {
    return key;
  }

  /** The key commitment; null for non-committing suites. Not secret. */
  byte[] commitment() {
    return commitment;
  }

  @Override
  public void close() {
    key.destroy();
  }
}

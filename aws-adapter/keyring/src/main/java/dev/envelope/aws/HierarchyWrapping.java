package dev.envelope.aws;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hierarchical keyring's data-key wrapping, as the AWS Encryption SDK specifies it ({@code
 * framework/aws-kms/aws-kms-hierarchical-keyring.md}):
 *
 * <ul>
 *   <li>A fresh 16-byte salt and 12-byte IV per data key.
 *   <li>The wrapping key: NIST SP 800-108 KDF in counter mode with HMAC-SHA256, one block, keyed
 *       with the branch key: {@code HMAC(branchKey, [0,0,0,1] || "aws-kms-hierarchy" || 0x00 ||
 *       salt || [0,0,1,0])}, where the last four bytes are the output length in bits (256).
 *   <li>AES-256-GCM over the data key with AAD {@code "aws-kms-hierarchy" || branchKeyId (UTF-8) ||
 *       version (16 bytes of the UUID) || serialized encryption context}.
 *   <li>The encrypted data key's ciphertext: salt (16) || IV (12) || version (16) || encrypted key
 *       || tag (16).
 * </ul>
 */
final class HierarchyWrapping {
  static final String PROVIDER_ID = "aws-kms-hierarchy";
  static final int SALT_LENGTH = 16;
  static final int IV_LENGTH = 12;
  static final int VERSION_LENGTH = 16;
  static final int TAG_LENGTH = 16;

  /** Salt, IV, version and tag around the encrypted key. */
  static final int OVERHEAD = SALT_LENGTH + IV_LENGTH + VERSION_LENGTH + TAG_LENGTH;

  private static final byte[] LABEL = PROVIDER_ID.getBytes(StandardCharsets.UTF_8);
  private static final byte[] COUNTER_1 = {0, 0, 0, 1};
  private static final byte[] LENGTH_256_BITS = {0, 0, 1, 0};

  private static final ThreadLocal<Primitives> PER_THREAD =
      ThreadLocal.withInitial(Primitives::new);

  private HierarchyWrapping() {}

  /** Encrypts {@code dataKey}; returns the encrypted data key's ciphertext field. */
  static byte[] wrap(
      byte[] branchKey,
      String branchKeyId,
      String version,
      byte[] dataKey,
      Map<String, String> context) {
    Primitives p = PER_THREAD.get();
    byte[] out = new byte[OVERHEAD + dataKey.length];
    byte[] saltAndIv = new byte[SALT_LENGTH + IV_LENGTH];
    p.random.nextBytes(saltAndIv);
    System.arraycopy(saltAndIv, 0, out, 0, saltAndIv.length);
    byte[] versionBytes = versionBytes(version);
    System.arraycopy(versionBytes, 0, out, SALT_LENGTH + IV_LENGTH, VERSION_LENGTH);
    byte[] derived = derive(p, branchKey, saltAndIv, 0);
    try {
      Cipher gcm = p.gcm;
      gcm.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(derived, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, saltAndIv, SALT_LENGTH, IV_LENGTH));
      gcm.updateAAD(aad(branchKeyId, versionBytes, context));
      gcm.doFinal(dataKey, 0, dataKey.length, out, SALT_LENGTH + IV_LENGTH + VERSION_LENGTH);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM wrapping with a branch key failed", e);
    } finally {
      Arrays.fill(derived, (byte) 0);
    }
  }

  /**
   * Decrypts an encrypted data key's ciphertext field; null if it does not authenticate (another
   * branch key version's bytes, another context, or altered).
   */
  static byte[] unwrap(
      byte[] branchKey,
      String branchKeyId,
      String version,
      byte[] ciphertext,
      Map<String, String> context) {
    Primitives p = PER_THREAD.get();
    int keyLength = ciphertext.length - OVERHEAD;
    byte[] derived = derive(p, branchKey, ciphertext, 0);
    byte[] dataKey = new byte[keyLength];
    try {
      Cipher gcm = p.gcm;
      gcm.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(derived, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, ciphertext, SALT_LENGTH, IV_LENGTH));
      gcm.updateAAD(aad(branchKeyId, versionBytes(version), context));
      gcm.doFinal(
          ciphertext, SALT_LENGTH + IV_LENGTH + VERSION_LENGTH, keyLength + TAG_LENGTH, dataKey, 0);
      return dataKey;
    } catch (AEADBadTagException e) {
      Arrays.fill(dataKey, (byte) 0);
      return null;
    } catch (GeneralSecurityException e) {
      Arrays.fill(dataKey, (byte) 0);
      throw new IllegalStateException("AES-GCM unwrapping with a branch key failed", e);
    } finally {
      Arrays.fill(derived, (byte) 0);
    }
  }

  /** Fresh random bytes (a data key) from this thread's DRBG. */
  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    PER_THREAD.get().random.nextBytes(b);
    return b;
  }

  /** The version UUID stored in an encrypted data key's ciphertext field. */
  static String version(byte[] ciphertext) {
    ByteBuffer b = ByteBuffer.wrap(ciphertext, SALT_LENGTH + IV_LENGTH, VERSION_LENGTH);
    return new UUID(b.getLong(), b.getLong()).toString();
  }

  static byte[] versionBytes(String version) {
    UUID uuid = UUID.fromString(version);
    return ByteBuffer.allocate(VERSION_LENGTH)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  /** SP 800-108 counter mode, HMAC-SHA256, one 32-byte block; the salt is the KDF's context. */
  static byte[] derive(byte[] branchKey, byte[] salt) {
    return derive(PER_THREAD.get(), branchKey, salt, 0);
  }

  private static byte[] derive(Primitives p, byte[] branchKey, byte[] saltSource, int saltOffset) {
    try {
      Mac mac = p.hmac;
      mac.init(new SecretKeySpec(branchKey, "HmacSHA256"));
      mac.update(COUNTER_1);
      mac.update(LABEL);
      mac.update((byte) 0);
      mac.update(saltSource, saltOffset, SALT_LENGTH);
      mac.update(LENGTH_256_BITS);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 key derivation failed", e);
    }
  }

  static byte[] aad(String branchKeyId, byte[] versionBytes, Map<String, String> context) {
    byte[] id = branchKeyId.getBytes(StandardCharsets.UTF_8);
    byte[] ec = serialize(context);
    return ByteBuffer.allocate(LABEL.length + id.length + versionBytes.length + ec.length)
        .put(LABEL)
        .put(id)
        .put(versionBytes)
        .put(ec)
        .array();
  }

  /**
   * The message format's encryption-context serialization: pair count, then length-prefixed UTF-8
   * key and value per pair, sorted by the keys' UTF-8 bytes (unsigned); nothing at all for an empty
   * context.
   */
  static byte[] serialize(Map<String, String> context) {
    if (context.isEmpty()) {
      return new byte[0];
    }
    List<byte[][]> pairs = new ArrayList<>(context.size());
    int total = 2;
    for (Map.Entry<String, String> e : context.entrySet()) {
      byte[] k = utf8(e.getKey());
      byte[] v = utf8(e.getValue());
      if (k.length > 0xFFFF || v.length > 0xFFFF) {
        throw new IllegalArgumentException(
            "an encryption context key or value is longer than 65535 bytes");
      }
      pairs.add(new byte[][] {k, v});
      total += 4 + k.length + v.length;
    }
    if (context.size() > 0xFFFF) {
      throw new IllegalArgumentException("the encryption context has more than 65535 pairs");
    }
    pairs.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    ByteBuffer out = ByteBuffer.allocate(total).putShort((short) pairs.size());
    for (byte[][] pair : pairs) {
      out.putShort((short) pair[0].length)
          .put(pair[0])
          .putShort((short) pair[1].length)
          .put(pair[1]);
    }
    return out.array();
  }

  private static byte[] utf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "the encryption context holds a string that is not valid Unicode", e);
    }
  }

  /**
   * Per-thread JCE objects: Mac and Cipher are not thread-safe, and creating them costs more than
   * using them.
   */
  private static final class Primitives {
    final Mac hmac;
    final Cipher gcm;
    final SecureRandom random;

    Primitives() {
      try {
        hmac = Mac.getInstance("HmacSHA256");
        gcm = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC-SHA256 or AES-GCM is not available in this JVM", e);
      }
      SecureRandom r;
      try {
        r = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        r = new SecureRandom();
      }
      random = r;
    }
  }
}

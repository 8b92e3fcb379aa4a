package dev.envelope.aws.local;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ciphertext blob format of the local KMS. Not the service's (which is undocumented); designed
 * so that the same properties hold:
 *
 * <pre>
 *   version      1 byte   0x01
 *   account      12 bytes ASCII digits of the key's account
 *   keyIdLength  1 byte
 *   keyId        UTF-8, a key id (uuid or mrk-...), never an ARN: the Region is deliberately absent
 *                so that a multi-Region replica with the same id and material can decrypt
 *   iv           12 bytes
 *   ciphertext   AES-256-GCM output including the 16-byte tag
 * </pre>
 *
 * The AAD is the header (version through keyId) followed by the canonical encryption context, so
 * changing the key reference or the context makes authentication fail.
 */
final class CiphertextBlob {
  static final byte VERSION = 0x01;

  /** KMS refuses ciphertext blobs over 6144 bytes. */
  static final int MAX_BLOB_BYTES = 6144;

  private final String accountId;
  private final String keyId;
  private final byte[] header;
  private final byte[] iv;
  private final byte[] blob;
  private final int bodyOffset;

  private CiphertextBlob(
      String accountId, String keyId, byte[] header, byte[] iv, byte[] blob, int bodyOffset) {
    this.accountId = accountId;
    this.keyId = keyId;
    this.header = header;
    this.iv = iv;
    this.blob = blob;
    this.bodyOffset = bodyOffset;
  }

  String accountId() {
    return accountId;
  }

  String keyId() {
    return keyId;
  }

  static byte[] seal(
      KeyMaterial material,
      String accountId,
      String keyId,
      Map<String, String> context,
      byte[] plaintext,
      SecureRandom random) {
    byte[] header = header(accountId, keyId);
    byte[] iv = new byte[KeyMaterial.IV_BYTES];
    random.nextBytes(iv);
    byte[] body = material.seal(iv, aad(header, context), plaintext);
    return ByteBuffer.allocate(header.length + iv.length + body.length)
        .put(header)
        .put(iv)
        .put(body)
        .array();
  }

  /** Parses the header; any structural problem is InvalidCiphertextException, as in KMS. */
  static CiphertextBlob parse(byte[] blob) {
    if (blob.length > MAX_BLOB_BYTES) {
      throw KmsException.validation(
          "1 validation error detected: Value at 'ciphertextBlob' failed "
              + "to satisfy constraint: Member must have length less than or equal to 6144");
    }
    if (blob.length < 1 + 12 + 1 + 1 + KeyMaterial.IV_BYTES + 16 || blob[0] != VERSION) {
      throw KmsException.invalidCiphertext();
    }
    String account = new String(blob, 1, 12, StandardCharsets.US_ASCII);
    int idLen = blob[13] & 0xff;
    int headerLen = 14 + idLen;
    if (idLen == 0
        || blob.length < headerLen + KeyMaterial.IV_BYTES + 16
        || !account.chars().allMatch(Character::isDigit)) {
      throw KmsException.invalidCiphertext();
    }
    String keyId = new String(blob, 14, idLen, StandardCharsets.UTF_8);
    byte[] header = java.util.Arrays.copyOf(blob, headerLen);
    byte[] iv = java.util.Arrays.copyOfRange(blob, headerLen, headerLen + KeyMaterial.IV_BYTES);
    return new CiphertextBlob(account, keyId, header, iv, blob, headerLen + KeyMaterial.IV_BYTES);
  }

  /** Decrypts, or throws InvalidCiphertextException when the blob or the context do not match. */
  byte[] open(KeyMaterial material, Map<String, String> context) {
    byte[] pt = material.open(iv, aad(header, context), blob, bodyOffset, blob.length - bodyOffset);
    if (pt == null) {
      throw KmsException.invalidCiphertext();
    }
    return pt;
  }

  private static byte[] header(String accountId, String keyId) {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    byte[] acct = accountId.getBytes(StandardCharsets.US_ASCII);
    if (acct.length != 12 || id.length > 255) {
      throw KmsException.internal("Unexpected key reference");
    }
    return ByteBuffer.allocate(14 + id.length)
        .put(VERSION)
        .put(acct)
        .put((byte) id.length)
        .put(id)
        .array();
  }

  /** Header plus the context in a canonical order (sorted by key), each string length-prefixed. */
  private static byte[] aad(byte[] header, Map<String, String> context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    TreeMap<String, String> sorted = new TreeMap<>(context);
    writeInt(out, sorted.size());
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    return out.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeInt(out, b.length);
    out.writeBytes(b);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}

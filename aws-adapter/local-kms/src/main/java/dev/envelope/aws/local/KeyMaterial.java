package dev.envelope.aws.local;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 root key behind one KMS key, held in memory (generated at start unless the
 * configuration supplies it). Multi-Region replicas share one instance, which is what makes a
 * ciphertext from one Region decrypt in another. {@code toString} says nothing about the bytes.
 */
final class KeyMaterial {
  static final int IV_BYTES = 12;
  static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  private KeyMaterial(SecretKeySpec key) {
    this.key = key;
  }

  static KeyMaterial generate(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    try {
      return new KeyMaterial(new SecretKeySpec(bytes, "AES")); // SecretKeySpec keeps its own copy
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Root material given in the configuration (development only); {@code bytes} is not kept. */
  static KeyMaterial of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("Key material must be 32 bytes, not " + bytes.length);
    }
    return new KeyMaterial(new SecretKeySpec(bytes, "AES")); // SecretKeySpec keeps its own copy
  }

  byte[] seal(byte[] iv, byte[] aad, byte[] plaintext) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(aad);
      return c.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw KmsException.internal("Encryption failed");
    }
  }

  /** Returns null when authentication fails, so the caller decides which KMS error to answer. */
  byte[] open(byte[] iv, byte[] aad, byte[] ciphertext, int offset, int length) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(aad);
      return c.doFinal(ciphertext, offset, length);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw KmsException.internal("Decryption failed");
    }
  }

  @Override
  public String toString() {
    return "KeyMaterial[AES-256, redacted]";
  }
}

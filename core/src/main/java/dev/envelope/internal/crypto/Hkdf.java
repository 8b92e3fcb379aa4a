package dev.envelope.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JCE's HMAC. The pseudorandom key is zeroed before returning; the output
 * belongs to the caller.
 */
public final class Hkdf {
  /** Mac lookups cost more than the HMACs of one message; keep one per algorithm per thread. */
  private static final ThreadLocal<java.util.Map<String, Mac>> MACS =
      ThreadLocal.withInitial(() -> new java.util.HashMap<>(4));

  private static final byte[] SCRUB_KEY = new byte[1];

  private Hkdf() {}

  private static Mac mac(String algorithm) throws GeneralSecurityException {
    java.util.Map<String, Mac> macs = MACS.get();
    Mac mac = macs.get(algorithm);
    if (mac == null) {
      mac = Mac.getInstance(algorithm);
      macs.put(algorithm, mac);
    }
    return mac;
  }

  /**
   * Extract-then-expand.
   *
   * @param hmacAlgorithm JCE name, e.g. {@code HmacSHA512}
   * @param salt may be null or empty: RFC 5869 then uses a block of zeros of the hash length
   */
  public static byte[] derive(
      String hmacAlgorithm, byte[] salt, byte[] ikm, byte[] info, int length) {
    return derive(hmacAlgorithm, salt, ikm, new byte[][] {info}, new int[] {length})[0];
  }

  /**
   * One extract, then one expand per {@code infos[i]} of {@code lengths[i]} bytes: several keys
   * from the same salt and input keying material (the message key and the key commitment) for the
   * price of one pseudorandom key.
   */
  public static byte[][] derive(
      String hmacAlgorithm, byte[] salt, byte[] ikm, byte[][] infos, int[] lengths) {
    try {
      Mac mac = mac(hmacAlgorithm);
      int hashLength = mac.getMacLength();
      byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[hashLength] : salt;
      mac.init(new SecretKeySpec(effectiveSalt, hmacAlgorithm));
      OwnedKey prk = new OwnedKey(mac.doFinal(ikm), hmacAlgorithm);
      try {
        mac.init(prk);
        byte[][] out = new byte[infos.length][];
        for (int i = 0; i < infos.length; i++) {
          if (lengths[i] > 255 * hashLength) {
            throw new IllegalArgumentException("HKDF output too long: " + lengths[i]);
          }
          out[i] = expand(mac, infos[i], lengths[i]);
        }
        return out;
      } finally {
        prk.destroy();
        // The reused Mac would otherwise keep pads derived from the PRK until its next use.
        mac.init(new SecretKeySpec(SCRUB_KEY, hmacAlgorithm));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC unavailable: " + hmacAlgorithm, e);
    }
  }

  /**
   * RFC 5869 expand with {@code mac} already keyed with the PRK; {@code doFinal} keeps that key.
   */
  private static byte[] expand(Mac mac, byte[] info, int length) {
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    int written = 0;
    for (int counter = 1; written < length; counter++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) counter);
      byte[] next = mac.doFinal();
      Arrays.fill(block, (byte) 0);
      block = next;
      int n = Math.min(block.length, length - written);
      System.arraycopy(block, 0, out, written, n);
      written += n;
    }
    Arrays.fill(block, (byte) 0);
    return out;
  }
}

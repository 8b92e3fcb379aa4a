package dev.envelope.internal.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a 12-byte IV and a 16-byte tag over a reusable JCE {@link Cipher}.
 *
 * <p>Input is fed to the cipher in pieces of at most {@link #MAX_CHUNK} bytes: on JDK 17 a single
 * large {@code doFinal} runs 20-40 times slower than the same bytes passed through {@code update}
 * in 16-64 KiB pieces.
 *
 * <p>Not thread-safe. Each operation ({@code init} to {@code doFinal}) completes inside one call,
 * so a per-thread instance ({@link #forThread()}) serves one-shot work; a stream that keeps state
 * across calls owns its own instance.
 */
public final class AesGcm {
  public static final int IV_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  /** Largest piece handed to the cipher in one call. */
  public static final int MAX_CHUNK = 64 * 1024;

  private static final ThreadLocal<AesGcm> PER_THREAD = ThreadLocal.withInitial(AesGcm::new);

  private static final SecretKey SCRUB_KEY =
      new javax.crypto.spec.SecretKeySpec(new byte[16], "AES");

  private final Cipher cipher;

  /** Scrubs so far: the IV counter of the dummy key. */
  private long scrubs;

  public AesGcm() {
    try {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /** This thread's instance, for operations that finish within one call. */
  public static AesGcm forThread() {
    return PER_THREAD.get();
  }

  /**
   * Encrypts {@code len} bytes of {@code in} and writes ciphertext then tag ({@code len + 16}
   * bytes) to {@code out}. {@code in} and {@code out} may be the same array only if the ranges do
   * not overlap.
   *
   * @return bytes written
   */
  public int encrypt(
      SecretKey key, byte[] iv, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    if (aad != null) {
      cipher.updateAAD(aad);
    }
    int written = 0;
    int pos = 0;
    while (len - pos > MAX_CHUNK) {
      written += cipher.update(in, inOff + pos, MAX_CHUNK, out, outOff + written);
      pos += MAX_CHUNK;
    }
    written += cipher.doFinal(in, inOff + pos, len - pos, out, outOff + written);
    return written;
  }

  /**
   * The tag of AES-GCM over an empty plaintext with {@code aad[aadOff, aadOff+aadLen)} as AAD (a
   * GMAC), written to {@code out[outOff, outOff+16)}, which must not overlap the AAD.
   */
  public void tag(
      SecretKey key, byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] out, int outOff)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    cipher.updateAAD(aad, aadOff, aadLen);
    cipher.doFinal(EMPTY, 0, 0, out, outOff);
  }

  private static final byte[] EMPTY = new byte[0];

  /**
   * Decrypts {@code len} bytes (ciphertext then tag) from {@code in} into {@code out}, which must
   * have room for {@code len - 16} bytes. On a bad tag nothing usable is in {@code out}: the JCE
   * releases GCM plaintext only after the tag verified.
   *
   * <p>One {@code doFinal}: SunJCE holds back all GCM decryption input until the tag is checked
   * anyway, so feeding it in pieces would only add a copy (the slow-{@code doFinal} trap affects
   * encryption only).
   *
   * @return plaintext bytes written
   * @throws AEADBadTagException if the tag does not verify
   */
  public int decrypt(
      SecretKey key, byte[] iv, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws GeneralSecurityException {
    if (len < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than a tag");
    }
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    if (aad != null) {
      cipher.updateAAD(aad);
    }
    return cipher.doFinal(in, inOff, len, out, outOff);
  }

  /**
   * Re-initialises the cipher with a constant dummy key, so that it no longer holds the last real
   * key: the JDK's AES engine zeroes its expanded key and its copy of the raw key when it is keyed
   * again.
   *
   * <p>Encrypt mode, with an IV never used before with the dummy key (GCM refuses one key and IV
   * twice in a row): SunJCE's GCM keeps the raw bytes of the last <em>encryption</em> key, to
   * refuse IV reuse, and replaces (and zeroes) them only at the next encrypt-mode init. A
   * decrypt-mode re-init, as this method did before, left that copy in place. What stays out of
   * reach: the GHASH subkey derived from the last key (H = AES(key, 0), which authenticates but
   * cannot decrypt) is dropped with the old GCM engine, not zeroed.
   */
  public void scrub() {
    byte[] iv = new byte[IV_LENGTH];
    long n = ++scrubs;
    for (int i = 0; i < 8; i++) {
      iv[IV_LENGTH - 1 - i] = (byte) (n >>> (8 * i));
    }
    try {
      cipher.init(Cipher.ENCRYPT_MODE, SCRUB_KEY, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }
}

package dev.envelope.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * What {@link AesGcm#scrub()} leaves of the last keys inside the JDK's cipher, checked by looking
 * into it (runs in the {@code jdk-internals} surefire execution, with the JDK's crypto packages
 * opened).
 */
class AesGcmScrubTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void theScanSeesTheKeysAnUnscrubbedCipherHolds() throws Exception {
    AesGcm gcm = new AesGcm();
    byte[] encryptKey = key();
    byte[] decryptKey = key();
    byte[] ciphertext = encrypt(gcm, decryptKey);
    encrypt(gcm, encryptKey);
    assertThat(CipherMemory.copiesOf(encryptKey, gcm)).isNotEmpty();
    gcm.decrypt(
        new OwnedKey(decryptKey.clone(), "AES"),
        new byte[12],
        null,
        ciphertext,
        0,
        ciphertext.length,
        new byte[ciphertext.length - 16],
        0);
    // Decrypting keyed the AES engine with the other key; GCM still keeps the last encryption key.
    assertThat(CipherMemory.copiesOf(decryptKey, gcm)).isNotEmpty();
    assertThat(CipherMemory.copiesOf(encryptKey, gcm)).isNotEmpty();
  }

  @Test
  void scrubDropsTheLastEncryptionAndDecryptionKeys() throws Exception {
    AesGcm gcm = new AesGcm();
    byte[] encryptKey = key();
    byte[] decryptKey = key();
    byte[] ciphertext = encrypt(gcm, decryptKey);
    encrypt(gcm, encryptKey);
    gcm.decrypt(
        new OwnedKey(decryptKey.clone(), "AES"),
        new byte[12],
        null,
        ciphertext,
        0,
        ciphertext.length,
        new byte[ciphertext.length - 16],
        0);

    gcm.scrub();

    assertThat(CipherMemory.copiesOf(encryptKey, gcm)).isEmpty();
    assertThat(CipherMemory.copiesOf(decryptKey, gcm)).isEmpty();
  }

  @Test
  void scrubbingTwiceInARowAndThenWorkingAgainIsFine() throws Exception {
    AesGcm gcm = new AesGcm();
    byte[] k = key();
    encrypt(gcm, k);
    gcm.scrub();
    gcm.scrub(); // GCM refuses one key and IV twice in a row for encryption: each scrub takes a
    // new IV
    gcm.scrub();
    byte[] ciphertext = encrypt(gcm, k);
    byte[] out = new byte[ciphertext.length - 16];
    assertThat(
            gcm.decrypt(
                new OwnedKey(k.clone(), "AES"),
                new byte[12],
                null,
                ciphertext,
                0,
                ciphertext.length,
                out,
                0))
        .isEqualTo(out.length);
    gcm.scrub();
    assertThat(CipherMemory.copiesOf(k, gcm)).isEmpty();
  }

  private static byte[] encrypt(AesGcm gcm, byte[] key) throws Exception {
    byte[] plaintext = new byte[40];
    byte[] out = new byte[plaintext.length + 16];
    byte[] iv = new byte[12];
    gcm.encrypt(new OwnedKey(key.clone(), "AES"), iv, null, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  private static byte[] key() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }
}

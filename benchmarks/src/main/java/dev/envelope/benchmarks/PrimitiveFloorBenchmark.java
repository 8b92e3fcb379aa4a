package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The primitive floor of one cached record of suite 0x0478: only the JCE operations the format
 * cannot do without, on engines that are looked up once and reused, with no header to build or
 * parse, no cache, no materials and no key hygiene. One operation is
 *
 * <ol>
 *   <li>HKDF-SHA512 extract (salt = a 32-byte message id, ikm = the 32-byte data key);
 *   <li>two HKDF expands of one HMAC block each: the message key ({@code suite id || "DERIVEKEY"})
 *       and the key commitment ({@code "COMMITKEY"});
 *   <li>the header tag: AES-256-GCM over an empty plaintext with the header body as AAD, of the
 *       length a real Envelope header body has in {@link CachedRecordBenchmark};
 *   <li>AES-256-GCM over the record (one final frame) with its frame AAD.
 * </ol>
 *
 * <p>{@code encrypt} encrypts both GCM parts, {@code decrypt} verifies the header tag and decrypts
 * the record. The message id changes every operation (decryption alternates between two messages),
 * so every operation derives a new key and runs the AES key schedule, as a cached record does (the
 * data key is cached, the message key never is). Not in the floor: the random message id,
 * serialization, the cache lookup, allocation of the message. The report sets {@link
 * CachedRecordBenchmark} against it ("time / floor"). Score: operations/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PrimitiveFloorBenchmark {
  private static final int TAG_BITS = 128;
  private static final byte[] DERIVE_INFO = concat(new byte[] {0x04, 0x78}, "DERIVEKEY");
  private static final byte[] COMMIT_INFO = "COMMITKEY".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FRAME_AAD_PREFIX =
      "AWSKMSEncryptionClient Final Frame".getBytes(StandardCharsets.UTF_8);

  @Param({"1024"})
  int size;

  private final Mac hmac = newMac();
  private final Cipher gcm = newCipher();
  private final byte[] dataKey = Fixtures.randomBytes(32);
  private final byte[] messageId = new byte[32];
  private final byte[] zeroIv = new byte[12];
  private final byte[] frameIv = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  private byte[] headerBody;
  private byte[] frameAad;
  private byte[] plaintext;
  private final byte[][] messageIds = new byte[2][];
  private final byte[][] frameAads = new byte[2][];
  private final byte[][] ciphertexts = new byte[2][];
  private final byte[][] headerTags = new byte[2][];
  private byte[] out;
  private long counter;
  private long scrubs;
  private final byte[] scrubIv = new byte[12];
  private static final SecretKeySpec SCRUB_HMAC_KEY = new SecretKeySpec(new byte[1], "HmacSHA512");
  private static final SecretKeySpec SCRUB_AES_KEY = new SecretKeySpec(new byte[16], "AES");

  @Setup
  public void setUp() throws GeneralSecurityException {
    headerBody = Fixtures.randomBytes(headerBodyLength(size));
    frameAad = new byte[32 + FRAME_AAD_PREFIX.length + 12];
    System.arraycopy(FRAME_AAD_PREFIX, 0, frameAad, 32, FRAME_AAD_PREFIX.length);
    plaintext = Fixtures.randomBytes(size);
    out = new byte[size + 16];
    // Two messages to decrypt: their keys, header tags and records, made with the same steps.
    for (int m = 0; m < 2; m++) {
      nextMessageId();
      messageIds[m] = messageId.clone();
      frameAads[m] = frameAad.clone();
      SecretKeySpec key = deriveKey();
      headerTags[m] = gcmEncrypt(key, zeroIv, headerBody, new byte[0], new byte[16]);
      ciphertexts[m] = gcmEncrypt(key, frameIv, frameAad, plaintext, new byte[size + 16]);
    }
  }

  /**
   * The header body length of an Envelope message of this record size with the benchmarks' keyring
   * and context (the whole message less body, and less the header's 16-byte tag).
   */
  static int headerBodyLength(int size) {
    byte[] message =
        Fixtures.envelope(
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, Envelope.DEFAULT_FRAME_SIZE)
            .encrypt(new byte[size], Fixtures.CONTEXT);
    int finalFrame = 4 + 4 + 12 + 4 + size + 16;
    return message.length - finalFrame - 16;
  }

  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    nextMessageId();
    SecretKeySpec key = deriveKey();
    byte[] tag = gcmEncrypt(key, zeroIv, headerBody, new byte[0], new byte[16]);
    gcmEncrypt(key, frameIv, frameAad, plaintext, out);
    out[0] ^= tag[0]; // keep the tag alive
    return out;
  }

  /**
   * Two messages (two message ids, so two message keys) decrypted in turn. With one message the
   * JCE's AES engine would see the same key every time and skip its key schedule, which no
   * decryptor of distinct messages gets to do (and Envelope, which re-keys its cipher after every
   * message to drop the key, never does).
   */
  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    int m = (int) (++counter & 1);
    System.arraycopy(messageIds[m], 0, messageId, 0, 32);
    SecretKeySpec key = deriveKey();
    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, zeroIv));
    gcm.updateAAD(headerBody);
    gcm.doFinal(headerTags[m], 0, 16, out, 0);
    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, frameIv));
    gcm.updateAAD(frameAads[m]);
    gcm.doFinal(ciphertexts[m], 0, ciphertexts[m].length, out, 0);
    return out;
  }

  /**
   * {@link #encrypt} plus the key hygiene Envelope adds to it: the HMAC and the AES-GCM cipher are
   * re-keyed with a dummy key afterwards, so that neither keeps the message key (the JCE's AES
   * engine replaces and zeroes its expanded key only when keyed again). Not a floor the report
   * judges against; it shows what zeroing costs through the JCE.
   */
  @Benchmark
  public byte[] encryptWithHygiene() throws GeneralSecurityException {
    byte[] out = encrypt();
    scrub();
    return out;
  }

  /** {@link #decrypt} plus the same key hygiene. */
  @Benchmark
  public byte[] decryptWithHygiene() throws GeneralSecurityException {
    byte[] out = decrypt();
    scrub();
    return out;
  }

  private void scrub() throws GeneralSecurityException {
    hmac.init(SCRUB_HMAC_KEY);
    long n = ++scrubs;
    for (int i = 0; i < 8; i++) {
      scrubIv[11 - i] = (byte) (n >>> (8 * i));
    }
    gcm.init(Cipher.ENCRYPT_MODE, SCRUB_AES_KEY, new GCMParameterSpec(TAG_BITS, scrubIv));
  }

  private void nextMessageId() {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      messageId[i] = (byte) (c >>> (8 * i));
    }
    System.arraycopy(messageId, 0, frameAad, 0, 32);
  }

  /** Extract, then the two expands; returns the message key (the commitment is computed too). */
  private SecretKeySpec deriveKey() throws GeneralSecurityException {
    hmac.init(new SecretKeySpec(messageId, "HmacSHA512"));
    byte[] prk = hmac.doFinal(dataKey);
    hmac.init(new SecretKeySpec(prk, "HmacSHA512"));
    hmac.update(DERIVE_INFO);
    hmac.update((byte) 1);
    byte[] keyBlock = hmac.doFinal();
    hmac.update(COMMIT_INFO);
    hmac.update((byte) 1);
    byte[] commitment = hmac.doFinal();
    keyBlock[63] ^= commitment[0]; // keep the commitment alive
    return new SecretKeySpec(keyBlock, 0, 32, "AES");
  }

  private byte[] gcmEncrypt(SecretKeySpec key, byte[] iv, byte[] aad, byte[] in, byte[] dst)
      throws GeneralSecurityException {
    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
    gcm.updateAAD(aad);
    gcm.doFinal(in, 0, in.length, dst, 0);
    return dst;
  }

  private static byte[] concat(byte[] a, String b) {
    byte[] tail = b.getBytes(StandardCharsets.UTF_8);
    byte[] r = java.util.Arrays.copyOf(a, a.length + tail.length);
    System.arraycopy(tail, 0, r, a.length, tail.length);
    return r;
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance("HmacSHA512");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

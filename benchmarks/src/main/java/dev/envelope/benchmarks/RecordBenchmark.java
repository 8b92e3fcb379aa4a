package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
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
import software.amazon.cryptography.materialproviders.IKeyring;

/**
 * One record per operation, without a data-key cache: Envelope, the official AWS Encryption SDK doing the
 * same work (same suite, frame size, raw AES wrapping key and context), and the raw JCE AES-GCM ceiling
 * (one GCM operation over the record, no key wrapping, no key derivation, no header).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordBenchmark {
  @Param({"64", "1024", "16384", "262144"})
  int size;

  @Param({"AES_256_GCM_HKDF_SHA512_COMMIT_KEY"})
  AlgorithmSuite suite;

  private Envelope envelope;
  private AwsCrypto esdk;
  private IKeyring esdkKeyring;
  private byte[] plaintext;
  private byte[] envelopeMessage;
  private byte[] esdkMessage;
  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private byte[] rawIv = new byte[12];
  private byte[] rawCiphertext;
  private byte[] rawOut;
  private final SecureRandom random = new SecureRandom();

  @Setup
  public void setUp() throws GeneralSecurityException {
    envelope = Fixtures.envelope(suite, 64 * 1024);
    esdk = Fixtures.esdk(suite, 64 * 1024);
    esdkKeyring = Fixtures.esdkKeyring();
    plaintext = Fixtures.randomBytes(size);
    envelopeMessage = envelope.encrypt(plaintext, Fixtures.CONTEXT);
    esdkMessage = esdk.encryptData(esdkKeyring, plaintext, Fixtures.CONTEXT).getResult();
    rawKey = new SecretKeySpec(Fixtures.rawKey(), "AES");
    rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
    rawOut = new byte[size + 16];
    random.nextBytes(rawIv);
    rawCiphertext = rawEncrypt();
  }

  @Benchmark
  public byte[] envelopeEncrypt() {
    return envelope.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] envelopeDecrypt() {
    return envelope.decrypt(envelopeMessage, Fixtures.CONTEXT).plaintext();
  }

  @Benchmark
  public byte[] esdkEncrypt() {
    return esdk.encryptData(esdkKeyring, plaintext, Fixtures.CONTEXT).getResult();
  }

  @Benchmark
  public byte[] esdkDecrypt() {
    return esdk.decryptData(esdkKeyring, esdkMessage).getResult();
  }

  /** The ceiling: AES-256-GCM over the record with a fresh IV, fed in 64 KiB pieces. */
  @Benchmark
  public byte[] rawGcmEncrypt() throws GeneralSecurityException {
    return rawEncrypt();
  }

  @Benchmark
  public int rawGcmDecrypt() throws GeneralSecurityException {
    rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, rawIv));
    return feed(rawCiphertext, rawCiphertext.length);
  }

  private byte[] rawEncrypt() throws GeneralSecurityException {
    random.nextBytes(rawIv);
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawIv));
    int n = feed(plaintext, plaintext.length);
    return n == rawOut.length ? rawOut : null;
  }

  private int feed(byte[] in, int len) throws GeneralSecurityException {
    int written = 0;
    int pos = 0;
    while (len - pos > 65536) {
      written += rawCipher.update(in, pos, 65536, rawOut, written);
      pos += 65536;
    }
    return written + rawCipher.doFinal(in, pos, len - pos, rawOut, written);
  }
}

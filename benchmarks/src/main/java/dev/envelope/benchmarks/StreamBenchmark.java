package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoOutputStream;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
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
 * A 256 MiB stream per operation (so ops/s x 256 = MiB/s): Envelope's streams, the official ESDK's
 * streams, and the raw AES-GCM ceiling for the same framing (one GCM operation per frame, no header or
 * key work). Plaintext is written in 64 KiB pieces from one reused buffer and ciphertext goes to a sink
 * that discards it, so only the cryptographic path is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class StreamBenchmark {
  static final int STREAM_BYTES = 256 * 1024 * 1024;
  private static final int WRITE_CHUNK = 64 * 1024;

  @Param({"4096", "65536", "1048576"})
  int frameSize;

  private Envelope envelope;
  private AwsCrypto esdk;
  private IKeyring esdkKeyring;
  private byte[] chunk;
  private byte[] envelopeMessage;
  private byte[] esdkMessage;
  private byte[] readBuffer;
  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private byte[] rawFrameIn;
  private byte[] rawFrameOut;
  private byte[] rawFrameCiphertext;

  @Setup
  public void setUp() throws Exception {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    envelope = Fixtures.envelope(suite, frameSize);
    esdk = Fixtures.esdk(suite, frameSize);
    esdkKeyring = Fixtures.esdkKeyring();
    chunk = Fixtures.randomBytes(WRITE_CHUNK);
    readBuffer = new byte[WRITE_CHUNK];
    ByteArrayOutputStream ours = new ByteArrayOutputStream(STREAM_BYTES + STREAM_BYTES / 64);
    writeAll(envelope.encryptingStream(ours, Fixtures.CONTEXT));
    envelopeMessage = ours.toByteArray();
    ByteArrayOutputStream theirs = new ByteArrayOutputStream(STREAM_BYTES + STREAM_BYTES / 64);
    writeAll(esdk.createEncryptingStream(esdkKeyring, theirs, Fixtures.CONTEXT));
    esdkMessage = theirs.toByteArray();
    rawKey = new SecretKeySpec(Fixtures.rawKey(), "AES");
    rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
    rawFrameIn = Fixtures.randomBytes(frameSize);
    rawFrameOut = new byte[frameSize + 16];
    rawFrameCiphertext = new byte[frameSize + 16];
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(0)));
    feed(rawFrameIn, frameSize, rawFrameCiphertext);
  }

  private void writeAll(OutputStream out) throws IOException {
    try (out) {
      for (int i = 0; i < STREAM_BYTES; i += WRITE_CHUNK) {
        out.write(chunk);
      }
    }
  }

  private long readAll(InputStream in) throws IOException {
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(readBuffer)) >= 0) {
        total += n;
      }
    }
    if (total != STREAM_BYTES) {
      throw new IllegalStateException("stream returned " + total + " bytes");
    }
    return total;
  }

  @Benchmark
  public void envelopeEncrypt() throws IOException {
    writeAll(envelope.encryptingStream(OutputStream.nullOutputStream(), Fixtures.CONTEXT));
  }

  @Benchmark
  public long envelopeDecrypt() throws IOException {
    return readAll(envelope.decryptingStream(new ByteArrayInputStream(envelopeMessage), Fixtures.CONTEXT));
  }

  @Benchmark
  public void esdkEncrypt() throws IOException {
    CryptoOutputStream<?> out = esdk.createEncryptingStream(esdkKeyring, OutputStream.nullOutputStream(),
        Fixtures.CONTEXT);
    writeAll(out);
  }

  @Benchmark
  public long esdkDecrypt() throws IOException {
    return readAll(esdk.createDecryptingStream(esdkKeyring, new ByteArrayInputStream(esdkMessage)));
  }

  /** The ceiling: one AES-GCM encryption per frame over the same number of bytes. */
  @Benchmark
  public int rawGcmEncrypt() throws GeneralSecurityException {
    int frames = STREAM_BYTES / frameSize;
    int sum = 0;
    for (int i = 1; i <= frames; i++) {
      rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(i)));
      sum += feed(rawFrameIn, frameSize, rawFrameOut);
    }
    return sum;
  }

  /** The ceiling for decryption: one AES-GCM decryption (with tag check) per frame. */
  @Benchmark
  public int rawGcmDecrypt() throws GeneralSecurityException {
    int frames = STREAM_BYTES / frameSize;
    int sum = 0;
    for (int i = 1; i <= frames; i++) {
      rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(0)));
      sum += feed(rawFrameCiphertext, rawFrameCiphertext.length, rawFrameOut);
    }
    return sum;
  }

  private static byte[] iv(int seq) {
    byte[] iv = new byte[12];
    iv[8] = (byte) (seq >>> 24);
    iv[9] = (byte) (seq >>> 16);
    iv[10] = (byte) (seq >>> 8);
    iv[11] = (byte) seq;
    return iv;
  }

  private int feed(byte[] in, int len, byte[] out) throws GeneralSecurityException {
    int written = 0;
    int pos = 0;
    while (len - pos > 65536) {
      written += rawCipher.update(in, pos, 65536, out, written);
      pos += 65536;
    }
    return written + rawCipher.doFinal(in, pos, len - pos, out, written);
  }
}

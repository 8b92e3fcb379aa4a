package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
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
 * One whole stream of {@code streamMiB} MiB per operation (so ops/s x streamMiB = MiB/s), suite
 * 0x0478: Envelope's streams, the official ESDK's streams, or the raw AES-GCM ceiling for the same
 * framing (one GCM operation per frame, fed in at most 64 KiB pieces, no header or key work).
 * Plaintext is written in 64 KiB pieces from one reused buffer and ciphertext goes to a sink that
 * discards it, so only the cryptographic path is measured. Decryption reads a message prepared in
 * memory in setup.
 *
 * <p>All three read the same kind of input from the same place, so the ceiling is one a stream
 * could reach: encryption reads the one reused 64 KiB plaintext buffer; decryption reads {@code
 * streamMiB} MiB of ciphertext from memory (for the raw ceiling, GCM frames laid end to end in one
 * array, each decrypted in place of reading). A ceiling that re-decrypted one cache-resident frame
 * would leave out the memory traffic every decryptor of a 256 MiB message pays: on JDK 25, whose
 * GCM runs at ~8 GB/s from cache, such a ceiling measured 1.6x this one at 64 KiB frames (on JDK 17
 * the two agree within noise).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 3, time = 4)
public class StreamBenchmark {
  private static final int WRITE_CHUNK = 64 * 1024;
  private static final int PIECE = 64 * 1024;

  @Param({RecordCodec.ENVELOPE, RecordCodec.ESDK, RecordCodec.JCE})
  String impl;

  @Param({"4096", "65536", "1048576"})
  int frameSize;

  /** Stream length; 256 in the full profile, smaller in the short one. */
  @Param({"256"})
  int streamMiB;

  private long streamBytes;
  private Envelope envelope;
  private AwsCrypto esdk;
  private IKeyring esdkKeyring;
  private byte[] chunk;
  private byte[] message;
  private byte[] readBuffer;
  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private byte[] rawFrameIn;
  private byte[] rawFrameOut;

  /**
   * For the raw decryption ceiling: {@code streamBytes / frameSize} GCM frames (ciphertext and
   * tag).
   */
  private byte[] rawCiphertext;

  private long ivCounter;

  /** Where setup collects the message that the decrypt benchmark reads. */
  private ByteArrayOutputStream pending;

  @Setup
  public void setUp() throws Exception {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    streamBytes = streamMiB * 1024L * 1024L;
    chunk = Fixtures.randomBytes(WRITE_CHUNK);
    readBuffer = new byte[WRITE_CHUNK];
    switch (impl) {
      case RecordCodec.ENVELOPE -> {
        envelope = Fixtures.envelope(suite, frameSize);
        message = prepare(envelope.encryptingStream(buffer(), Fixtures.CONTEXT));
      }
      case RecordCodec.ESDK -> {
        esdk = Fixtures.esdk(suite, frameSize);
        esdkKeyring = Fixtures.esdkKeyring();
        message = prepare(esdk.createEncryptingStream(esdkKeyring, buffer(), Fixtures.CONTEXT));
      }
      case RecordCodec.JCE -> {
        rawKey = new SecretKeySpec(Fixtures.rawKey(), "AES");
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        rawFrameIn = Fixtures.randomBytes(frameSize);
        rawFrameOut = new byte[frameSize + 16];
        long frames = streamBytes / frameSize;
        rawCiphertext = new byte[Math.toIntExact(frames * (frameSize + 16))];
        for (long seq = 1; seq <= frames; seq++) {
          rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(seq)));
          feed(rawFrameIn, frameSize, rawCiphertext, rawFrameOffset(seq));
        }
        // Encryption continues with IVs after those of the prepared frames (JCE refuses to reuse
        // one).
        ivCounter = frames;
      }
      default -> throw new IllegalArgumentException("unknown impl " + impl);
    }
  }

  private OutputStream buffer() {
    pending =
        new ByteArrayOutputStream(
            (int) Math.min(Integer.MAX_VALUE - 8, streamBytes + streamBytes / 64));
    return pending;
  }

  private byte[] prepare(OutputStream encrypting) throws IOException {
    writeAll(encrypting);
    byte[] result = pending.toByteArray();
    pending = null;
    return result;
  }

  private void writeAll(OutputStream out) throws IOException {
    try (out) {
      for (long i = 0; i < streamBytes; i += WRITE_CHUNK) {
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
    if (total != streamBytes) {
      throw new IllegalStateException(
          "stream returned " + total + " bytes, expected " + streamBytes);
    }
    return total;
  }

  @Benchmark
  public long encrypt() throws IOException, GeneralSecurityException {
    switch (impl) {
      case RecordCodec.ENVELOPE ->
          writeAll(envelope.encryptingStream(OutputStream.nullOutputStream(), Fixtures.CONTEXT));
      case RecordCodec.ESDK ->
          writeAll(
              esdk.createEncryptingStream(
                  esdkKeyring, OutputStream.nullOutputStream(), Fixtures.CONTEXT));
      default -> {
        return rawGcm(Cipher.ENCRYPT_MODE);
      }
    }
    return streamBytes;
  }

  @Benchmark
  public long decrypt() throws IOException, GeneralSecurityException {
    return switch (impl) {
      case RecordCodec.ENVELOPE ->
          readAll(envelope.decryptingStream(new ByteArrayInputStream(message), Fixtures.CONTEXT));
      case RecordCodec.ESDK ->
          readAll(esdk.createDecryptingStream(esdkKeyring, new ByteArrayInputStream(message)));
      default -> rawGcm(Cipher.DECRYPT_MODE);
    };
  }

  /**
   * The ceiling: one AES-GCM operation (with tag check when decrypting) per frame over the stream's
   * bytes. Encryption uses a new IV per frame from a counter that runs across operations (JCE
   * refuses to reuse one); decryption checks every frame of the prepared ciphertext, in order.
   */
  private long rawGcm(int mode) throws GeneralSecurityException {
    long frames = streamBytes / frameSize;
    long sum = 0;
    for (long i = 1; i <= frames; i++) {
      if (mode == Cipher.ENCRYPT_MODE) {
        rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(++ivCounter)));
        sum += feed(rawFrameIn, frameSize, rawFrameOut, 0);
      } else {
        rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, iv(i)));
        // One doFinal: JCE holds GCM decryption input until the tag is checked anyway.
        sum += rawCipher.doFinal(rawCiphertext, rawFrameOffset(i), frameSize + 16, rawFrameOut, 0);
      }
    }
    return sum;
  }

  /** Where frame {@code seq} (from 1) starts in {@link #rawCiphertext}. */
  private int rawFrameOffset(long seq) {
    return (int) ((seq - 1) * (frameSize + 16));
  }

  private static byte[] iv(long seq) {
    byte[] iv = new byte[12];
    for (int i = 0; i < 8; i++) {
      iv[11 - i] = (byte) (seq >>> (8 * i));
    }
    return iv;
  }

  private int feed(byte[] in, int len, byte[] out, int outOff) throws GeneralSecurityException {
    int written = outOff;
    int pos = 0;
    while (len - pos > PIECE) {
      written += rawCipher.update(in, pos, PIECE, out, written);
      pos += PIECE;
    }
    return written + rawCipher.doFinal(in, pos, len - pos, out, written) - outOff;
  }
}

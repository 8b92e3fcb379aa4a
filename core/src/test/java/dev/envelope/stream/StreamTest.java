package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.InvalidMessageException;
import dev.envelope.SignedStreamPolicy;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamTest {
  private static final Map<String, String> CONTEXT = Map.of("file", "report.csv");
  private static final int FRAME = 100;
  private static final RawAesKeyring KEYRING;

  static {
    byte[] key = new byte[32];
    new Random(21).nextBytes(key);
    KEYRING = RawAesKeyring.builder().keyNamespace("ns").keyName("stream").wrappingKey(key).build();
  }

  private static Envelope envelope(AlgorithmSuite suite) {
    return Envelope.builder().keyring(KEYRING).algorithmSuite(suite).frameSize(FRAME).build();
  }

  private static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static byte[] streamEncrypt(Envelope envelope, byte[] plaintext, int chunk)
      throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
      for (int i = 0; i < plaintext.length; i += chunk) {
        out.write(plaintext, i, Math.min(chunk, plaintext.length - i));
      }
    }
    return sink.toByteArray();
  }

  /**
   * Reads until the end or a failure; returns what was released before the failure, and the
   * failure.
   */
  private static Object[] drain(InputStream in, int chunk) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    byte[] buf = new byte[chunk];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        released.write(buf, 0, n);
      }
      return new Object[] {released.toByteArray(), null};
    } catch (EnvelopeException | IOException e) {
      return new Object[] {released.toByteArray(), e};
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void streamsAndOneShotAreInterchangeable(AlgorithmSuite suite) throws IOException {
    Envelope envelope = envelope(suite);
    for (int size : new int[] {0, 1, FRAME - 1, FRAME, FRAME + 1, 3 * FRAME, 1234}) {
      byte[] plaintext = data(size);
      for (int chunk : new int[] {1, 7, FRAME, 333, 100_000}) {
        byte[] streamed = streamEncrypt(envelope, plaintext, chunk);
        assertThat(envelope.decrypt(streamed, CONTEXT).plaintext())
            .as("size %d chunk %d", size, chunk)
            .isEqualTo(plaintext);
        // Same framing as one-shot, except that a stream ending on a frame boundary closes with an
        // empty final frame (32 bytes more). DER signatures of P-384 vary by a few bytes in length.
        int boundaryExtra = size > 0 && size % FRAME == 0 ? 32 : 0;
        assertThat(streamed.length)
            .isCloseTo(
                envelope.encrypt(plaintext, CONTEXT).length + boundaryExtra,
                org.assertj.core.data.Offset.offset(suite.isSigned() ? 8 : 0));
        Object[] read =
            drain(envelope.decryptingStream(new ByteArrayInputStream(streamed), CONTEXT), chunk);
        assertThat(read[1]).isNull();
        assertThat((byte[]) read[0]).isEqualTo(plaintext);
      }
      byte[] oneShot = envelope.encrypt(plaintext, CONTEXT);
      Object[] read = drain(envelope.decryptingStream(new ByteArrayInputStream(oneShot)), 64);
      assertThat((byte[]) read[0]).isEqualTo(plaintext);
    }
  }

  @Test
  void singleByteReadsAndChannelsWork() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] plaintext = data(777);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (WritableByteChannel ch = envelope.encryptingChannel(Channels.newChannel(sink), CONTEXT)) {
      ch.write(ByteBuffer.wrap(plaintext));
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (ReadableByteChannel ch =
        envelope.decryptingChannel(
            Channels.newChannel(new ByteArrayInputStream(sink.toByteArray())), CONTEXT)) {
      ByteBuffer buf = ByteBuffer.allocate(50);
      while (ch.read(buf) >= 0) {
        buf.flip();
        back.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
    }
    assertThat(back.toByteArray()).isEqualTo(plaintext);
    InputStream in = envelope.decryptingStream(new ByteArrayInputStream(sink.toByteArray()));
    for (byte expected : plaintext) {
      assertThat(in.read()).isEqualTo(expected & 0xFF);
    }
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void singleByteWritesFillFramesAndCloseTheMessage() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] plaintext = data(3 * FRAME + 1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = envelope.encryptingStream(sink, CONTEXT);
    out.write(plaintext, 0, 1); // the header goes out with the first write
    for (int i = 1; i < plaintext.length; i++) {
      out.write(plaintext[i]);
    }
    // Three whole frames are out before close; the last byte waits for the final frame.
    byte[] beforeClose = sink.toByteArray();
    out.close();
    byte[] message = sink.toByteArray();
    assertThat(envelope.decrypt(message, CONTEXT).plaintext()).isEqualTo(plaintext);
    assertThat(message.length - beforeClose.length).isEqualTo(4 + 4 + 12 + 4 + 1 + 16);
    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void truncatedStreamsFailAndReleaseOnlyVerifiedWholeFrames(AlgorithmSuite suite)
      throws IOException {
    Envelope envelope = envelope(suite);
    byte[] plaintext = data(350);
    byte[] message = streamEncrypt(envelope, plaintext, 50);
    for (int length = 0; length < message.length; length++) {
      Object[] read =
          drain(
              envelope.decryptingStream(new ByteArrayInputStream(Arrays.copyOf(message, length))),
              41);
      assertThat(read[1]).as("truncated to %d", length).isInstanceOf(InvalidMessageException.class);
      byte[] released = (byte[]) read[0];
      // Only whole regular frames, never the final frame, and always a true prefix of the
      // plaintext.
      assertThat(released.length % FRAME)
          .as("released %d of truncation %d", released.length, length)
          .isZero();
      assertThat(released.length).isLessThan(plaintext.length);
      assertThat(released).isEqualTo(Arrays.copyOf(plaintext, released.length));
    }
  }

  @Test
  void alteredReorderedDuplicatedOrExtendedStreamsFail() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] plaintext = data(350);
    byte[] message = streamEncrypt(envelope, plaintext, 350);
    int header = message.length - (3 * (FRAME + 32) + 50 + 40);
    int frame = FRAME + 32;
    for (int i = 0; i < message.length; i++) {
      byte[] tampered = message.clone();
      tampered[i] ^= 0x40;
      Object[] read = drain(envelope.decryptingStream(new ByteArrayInputStream(tampered)), 64);
      assertThat(read[1]).as("flip at %d", i).isInstanceOf(EnvelopeException.class);
      assertThat(((byte[]) read[0]).length).isLessThan(plaintext.length);
    }
    byte[] reordered = message.clone();
    System.arraycopy(message, header, reordered, header + frame, frame);
    System.arraycopy(message, header + frame, reordered, header, frame);
    assertThat(drain(envelope.decryptingStream(new ByteArrayInputStream(reordered)), 64)[1])
        .isInstanceOf(InvalidMessageException.class);
    byte[] duplicated = new byte[message.length + frame];
    System.arraycopy(message, 0, duplicated, 0, header + frame);
    System.arraycopy(message, header, duplicated, header + frame, message.length - header);
    assertThat(drain(envelope.decryptingStream(new ByteArrayInputStream(duplicated)), 64)[1])
        .isInstanceOf(InvalidMessageException.class);
    byte[] trailing = Arrays.copyOf(message, message.length + 3);
    Object[] read = drain(envelope.decryptingStream(new ByteArrayInputStream(trailing)), 64);
    assertThat(read[1]).isInstanceOf(InvalidMessageException.class);
    assertThat(((Exception) read[1]).getMessage()).contains("after the end");
    assertThat(((byte[]) read[0]).length).isEqualTo(3 * FRAME);
    assertThat(
            drain(envelope.decryptingStream(new ByteArrayInputStream(new byte[] {9, 9, 9, 9})), 8)[
                1])
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void expectedContextIsCheckedBeforeAnyPlaintext() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] message = streamEncrypt(envelope, data(500), 500);
    InputStream in =
        envelope.decryptingStream(new ByteArrayInputStream(message), Map.of("file", "other.csv"));
    assertThatThrownBy(in::read)
        .isInstanceOf(EncryptionContextMismatchException.class)
        .hasMessageContaining("file");
    assertThatThrownBy(in::read).isInstanceOf(EncryptionContextMismatchException.class);
  }

  @Test
  void abandonedEncryptingStreamNeverDecryptsAsComplete() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = envelope.encryptingStream(sink, CONTEXT);
    out.write(data(1000));
    out.flush();
    byte[] partial = sink.toByteArray();
    assertThat(partial.length).isGreaterThan(0);
    assertThatThrownBy(() -> envelope.decrypt(partial)).isInstanceOf(InvalidMessageException.class);
    assertThat(drain(envelope.decryptingStream(new ByteArrayInputStream(partial)), 100)[1])
        .isInstanceOf(InvalidMessageException.class);
    out.close();
    out.close();
    assertThat(envelope.decrypt(sink.toByteArray()).plaintext()).isEqualTo(data(1000));
    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
  }

  @Test
  void failedWriteLeavesMessageIncomplete() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStream flaky =
        new OutputStream() {
          int writes;

          @Override
          public void write(int b) {
            captured.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (++writes == 3) {
              throw new IOException("disk full");
            }
            captured.write(b, off, len);
          }
        };
    OutputStream out = envelope.encryptingStream(flaky, CONTEXT);
    assertThatThrownBy(() -> out.write(data(1000)))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    out.close();
    assertThatThrownBy(() -> envelope.decrypt(captured.toByteArray()))
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void signedStreamPolicies() throws IOException {
    AlgorithmSuite signed = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] plaintext = data(1050);
    byte[] message = streamEncrypt(envelope(signed), plaintext, 1000);

    Envelope refuse =
        Envelope.builder().keyring(KEYRING).signedStreamPolicy(SignedStreamPolicy.REFUSE).build();
    assertThatThrownBy(() -> refuse.decryptingStream(new ByteArrayInputStream(message)).read())
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("REFUSE");

    Envelope buffer =
        Envelope.builder()
            .keyring(KEYRING)
            .signedStreamPolicy(SignedStreamPolicy.BUFFER_UNTIL_VERIFIED)
            .maxSignedStreamBuffer(2000)
            .build();
    InputStream in = buffer.decryptingStream(new ByteArrayInputStream(message));
    assertThat(in.readAllBytes()).isEqualTo(plaintext);

    Envelope small =
        Envelope.builder()
            .keyring(KEYRING)
            .signedStreamPolicy(SignedStreamPolicy.BUFFER_UNTIL_VERIFIED)
            .maxSignedStreamBuffer(500)
            .build();
    Object[] tooBig = drain(small.decryptingStream(new ByteArrayInputStream(message)), 64);
    assertThat(tooBig[1]).isInstanceOf(InvalidMessageException.class);
    assertThat((byte[]) tooBig[0]).isEmpty();

    // A bad signature: default policy released GCM-verified frames but fails before the final
    // frame.
    byte[] badSignature = message.clone();
    badSignature[badSignature.length - 5] ^= 1;
    Object[] read =
        drain(envelope(signed).decryptingStream(new ByteArrayInputStream(badSignature)), 64);
    assertThat(read[1]).isInstanceOf(InvalidMessageException.class);
    assertThat(((Exception) read[1]).getMessage()).contains("signature");
    assertThat((byte[]) read[0]).isEqualTo(Arrays.copyOf(plaintext, 1000));
    Object[] buffered = drain(buffer.decryptingStream(new ByteArrayInputStream(badSignature)), 64);
    assertThat(buffered[1]).isInstanceOf(InvalidMessageException.class);
    assertThat((byte[]) buffered[0]).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1 << 20})
  void declaredFrameAboveLimitIsRefusedBeforeAllocation(int frame) throws IOException {
    Envelope writer = Envelope.builder().keyring(KEYRING).frameSize(frame).build();
    byte[] message = streamEncrypt(writer, data(10), 10);
    Envelope reader = Envelope.builder().keyring(KEYRING).maxFrameSize(64 * 1024).build();
    Object[] read = drain(reader.decryptingStream(new ByteArrayInputStream(message)), 8);
    assertThat(read[1]).isInstanceOf(InvalidMessageException.class);
    assertThat(((Exception) read[1]).getMessage()).contains("frame length");
  }

  @Test
  void sourceThatTricklesOneByteAtATimeStillDecrypts() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);
    byte[] plaintext = data(700);
    byte[] message = streamEncrypt(envelope, plaintext, 700);
    InputStream trickle =
        new java.io.FilterInputStream(new ByteArrayInputStream(message)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertThat(envelope.decryptingStream(trickle, CONTEXT).readAllBytes()).isEqualTo(plaintext);
  }

  @Test
  void closingDecryptingStreamEarlyIsHarmless() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] message = streamEncrypt(envelope, data(1000), 1000);
    InputStream in = envelope.decryptingStream(new ByteArrayInputStream(message));
    assertThat(in.read(new byte[10])).isEqualTo(10);
    in.close();
    in.close();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    if (in.available() != 0) {
      fail("closed stream still reports buffered plaintext");
    }
  }
}

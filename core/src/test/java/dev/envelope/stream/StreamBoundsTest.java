package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.InvalidMessageException;
import dev.envelope.internal.format.MessageForge;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A decrypting stream reads only as far as the limits allow before it refuses a message, whatever
 * the message claims; and {@code available()} and {@code skip} never reveal or pass over plaintext
 * that has not been authenticated.
 */
class StreamBoundsTest {
  private static final int MAX_HEADER = 4096;
  private static final int MAX_FRAME = 1024;
  private static final Envelope ENVELOPE =
      Envelope.builder()
          .keyring(MessageForge.KEYRING)
          .maxHeaderLength(MAX_HEADER)
          .maxFrameSize(MAX_FRAME)
          .build();

  /** {@code prefix}, then {@code fill} for ever; counts what was read. */
  private static final class Endless extends InputStream {
    private final byte[] prefix;
    private final byte fill;
    long served;

    Endless(byte[] prefix, int fill) {
      this.prefix = prefix;
      this.fill = (byte) fill;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      read(one, 0, 1);
      return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        b[off + i] = served < prefix.length ? prefix[(int) served] : fill;
        served++;
      }
      return len;
    }
  }

  private static byte[] header(MessageForge f) {
    byte[] message = f.build();
    return Arrays.copyOf(message, message.length - f.plaintext.length - 4 - 4 - 12 - 4 - 16);
  }

  @Test
  void endlessHeaderIsRefusedAfterReadingAboutTheLimit() {
    // Version, suite, message id, then an AAD length and EDK fields of 0xFF... that never end.
    byte[] start = header(new MessageForge());
    Endless source = new Endless(Arrays.copyOf(start, 1 + 2 + 32), 0xFF);
    assertThatThrownBy(() -> ENVELOPE.decryptingStream(source).read())
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("limit");
    assertThat(source.served).isLessThanOrEqualTo(2L * MAX_HEADER + 8192);
  }

  @Test
  void endlessBodyIsRefusedWithinOneFrame() {
    MessageForge f = new MessageForge();
    f.frameLength = MAX_FRAME;
    f.plaintext = new byte[10];
    byte[] header = header(f);
    // A regular frame numbered 1 with the right IV, then garbage for ever: GCM must refuse it.
    byte[] frameStart = new byte[4 + 12];
    frameStart[3] = 1;
    frameStart[15] = 1;
    byte[] prefix = Arrays.copyOf(header, header.length + frameStart.length);
    System.arraycopy(frameStart, 0, prefix, header.length, frameStart.length);
    Endless source = new Endless(prefix, 0x5A);
    DecryptingInputStream in = ENVELOPE.decryptingStream(source);
    assertThatThrownBy(() -> in.read(new byte[1]))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("authentication");
    assertThat(source.served).isLessThanOrEqualTo(header.length + 2L * MAX_FRAME + 8192);
    assertThat(in.available()).isZero();
  }

  @Test
  void finalFrameClaimingMoreThanTheFrameIsRefusedBeforeReadingIt() {
    MessageForge f = new MessageForge();
    f.frameLength = 64;
    f.plaintext = new byte[10];
    byte[] header = header(f);
    byte[] finalStart = new byte[4 + 4 + 12 + 4];
    Arrays.fill(finalStart, 0, 4, (byte) 0xFF);
    finalStart[7] = 1;
    finalStart[19] = 1;
    Arrays.fill(finalStart, 20, 24, (byte) 0x7F);
    byte[] prefix = Arrays.copyOf(header, header.length + finalStart.length);
    System.arraycopy(finalStart, 0, prefix, header.length, finalStart.length);
    Endless source = new Endless(prefix, 0);
    assertThatThrownBy(() -> ENVELOPE.decryptingStream(source).read())
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("final frame");
    assertThat(source.served).isLessThanOrEqualTo(header.length + 8192L);
  }

  @Test
  void availableAndSkipNeverRunAheadOfAuthentication() throws IOException {
    Envelope envelope = Envelope.builder().keyring(MessageForge.KEYRING).frameSize(100).build();
    byte[] plaintext = new byte[250];
    new Random(8).nextBytes(plaintext);
    byte[] message = envelope.encrypt(plaintext, Map.of("a", "b"));

    DecryptingInputStream in = envelope.decryptingStream(new ByteArrayInputStream(message));
    assertThat(in.available()).isZero();
    assertThat(in.read()).isEqualTo(plaintext[0] & 0xFF);
    assertThat(in.available()).isEqualTo(99);
    assertThat(in.skip(150)).isEqualTo(150);
    assertThat(in.read()).isEqualTo(plaintext[151] & 0xFF);
    assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(98);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.available()).isZero();
    assertThat(in.skip(10)).isZero();

    // The last byte of the final frame altered: skip must fail, not count the unauthenticated
    // bytes.
    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    DecryptingInputStream bad = envelope.decryptingStream(new ByteArrayInputStream(tampered));
    assertThat(bad.skip(200)).isEqualTo(200);
    assertThat(bad.available()).isZero();
    assertThatThrownBy(() -> bad.skip(1)).isInstanceOf(InvalidMessageException.class);
    assertThat(bad.available()).isZero();
    assertThatThrownBy(bad::read).isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void signedStreamHoldsFinalFrameUntilFooterVerifies() throws IOException {
    Envelope envelope =
        Envelope.builder()
            .keyring(MessageForge.KEYRING)
            .frameSize(100)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    byte[] plaintext = new byte[150];
    new Random(9).nextBytes(plaintext);
    byte[] message = envelope.encrypt(plaintext, Map.of());
    byte[] noFooter = Arrays.copyOf(message, message.length - 2 - footerLength(message));
    DecryptingInputStream in = envelope.decryptingStream(new ByteArrayInputStream(noFooter));
    byte[] first = in.readNBytes(100);
    assertThat(first).isEqualTo(Arrays.copyOf(plaintext, 100));
    assertThat(in.available()).isZero();
    assertThatThrownBy(in::read)
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("footer");
    assertThat(in.available()).isZero();
  }

  private static int footerLength(byte[] message) {
    // P-384 DER signatures are 102 to 104 bytes; find the length field that points exactly at the
    // end.
    for (int sig = 110; sig > 60; sig--) {
      int at = message.length - sig - 2;
      if (((message[at] & 0xFF) << 8 | (message[at + 1] & 0xFF)) == sig) {
        return sig;
      }
    }
    throw new AssertionError("no footer found");
  }

  @Test
  void aShortMessageWithALargeDeclaredFrameCostsOnlyItsRealBytes() throws IOException {
    // 16 MiB frames declared, 10 bytes of plaintext: the stream must not size its buffers by the
    // header.
    Envelope large = Envelope.builder().keyring(MessageForge.KEYRING).frameSize(16 << 20).build();
    byte[] plaintext = "ten bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] message = large.encrypt(plaintext, Map.of("k", "v"));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    large.decryptingStream(new ByteArrayInputStream(message)).readAllBytes(); // warm up classes
    long before = threads.getCurrentThreadAllocatedBytes();
    byte[] back;
    try (InputStream in = large.decryptingStream(new ByteArrayInputStream(message))) {
      back = in.readAllBytes();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(back).isEqualTo(plaintext);
    assertThat(allocated)
        .as("bytes allocated to decrypt a 10-byte message with 16 MiB frames")
        .isLessThan(1 << 20);
  }
}

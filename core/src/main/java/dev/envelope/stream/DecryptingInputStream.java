package dev.envelope.stream;

import dev.envelope.InvalidMessageException;
import dev.envelope.SignedStreamPolicy;
import dev.envelope.internal.format.MessageDecryptor;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.format.StreamConstruction;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Decrypts one message read from the underlying stream, one frame at a time; memory stays at one
 * frame (bounded by the configured maximum frame size) whatever the length. Obtain it from {@code
 * Envelope.decryptingStream}.
 *
 * <p>Only plaintext of frames whose GCM tag verified is ever returned. The final frame is returned
 * only after the footer (for signed suites) verified and the source proved to end right after the
 * message; end of input ({@code -1}) therefore means the whole message is authentic. A truncated,
 * reordered, altered or over-long stream fails with an {@link dev.envelope.EnvelopeException}
 * subtype, which is unchecked; I/O errors of the source are {@link IOException}s. For signed suites
 * see {@link SignedStreamPolicy}. Not thread-safe.
 */
public final class DecryptingInputStream extends InputStream {
  static {
    StreamConstruction.register(new StreamFactory());
  }

  private final MessageReader reader;
  private final InputStream source;
  private final Function<MessageHeader, MessageDecryptor> opener;
  private final SignedStreamPolicy signedPolicy;
  private final long maxSignedBuffer;
  private final LongConsumer onComplete;

  private byte[] plaintext = new byte[0];
  private int plainPos;
  private int plainEnd;
  private HeldPlaintext held;
  private long plaintextLength;
  private boolean closed;
  private RuntimeException failure;

  /**
   * For {@code Envelope} (through {@link StreamFactory}): {@code reader} reads {@code source};
   * {@code opener} receives the parsed header, checks policy and expected context, recovers the
   * data key and returns a decryptor, which the reader then owns.
   */
  DecryptingInputStream(
      MessageReader reader,
      InputStream source,
      Function<MessageHeader, MessageDecryptor> opener,
      SignedStreamPolicy signedPolicy,
      long maxSignedBuffer,
      LongConsumer onComplete) {
    this.reader = reader;
    this.source = Objects.requireNonNull(source, "source");
    this.opener = opener;
    this.signedPolicy = signedPolicy;
    this.maxSignedBuffer = maxSignedBuffer;
    this.onComplete = onComplete;
  }

  /**
   * What the message's header says, reading it from the source if needed: lets callers inspect the
   * context before reading. Returned only once the header was authenticated with the recovered data
   * key.
   */
  public StreamHeader header() throws IOException {
    ensureOpen();
    try {
      MessageHeader header = openMessage();
      return StreamHeader.of(header, reader.encryptionContext());
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  @Override
  public int read() throws IOException {
    if (plainPos < plainEnd && !closed) {
      // Released plaintext is authentic; byte-at-a-time readers take it without a call chain per
      // byte.
      return plaintext[plainPos++] & 0xFF;
    }
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    try {
      while (plainPos == plainEnd) {
        if (reader.isDone()) {
          return -1;
        }
        int direct = nextFrame(b, off, len);
        if (direct > 0) {
          return direct;
        }
      }
      int n = Math.min(len, plainEnd - plainPos);
      System.arraycopy(plaintext, plainPos, b, off, n);
      plainPos += n;
      return n;
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  @Override
  public int available() {
    return plainEnd - plainPos;
  }

  /** Reads and opens the header on first use. */
  private MessageHeader openMessage() throws IOException {
    if (reader.isOpen()) {
      return reader.header();
    }
    MessageHeader header =
        reader.open(
            h -> {
              if (h.suite().isSigned() && signedPolicy == SignedStreamPolicy.REFUSE) {
                throw new InvalidMessageException(
                    "message is signed ("
                        + h.suite()
                        + ") and this Envelope refuses"
                        + " to stream signed messages (SignedStreamPolicy.REFUSE); decrypt it one-shot instead");
              }
              return opener.apply(h);
            });
    // The plaintext buffer grows to the first frame that needs it (see nextFrame), not to what the
    // header declares: a short message with a large declared frame length costs only its real
    // frames.
    if (header.suite().isSigned() && signedPolicy == SignedStreamPolicy.BUFFER_UNTIL_VERIFIED) {
      held = new HeldPlaintext();
    }
    return header;
  }

  /**
   * Decrypts the next frame. A regular frame that fits in the caller's buffer is decrypted straight
   * into it (saving a copy) and its length returned; otherwise the frame goes to {@code plaintext}
   * and 0 is returned. The final frame always goes through {@code plaintext}; the reader hands it
   * over only after the footer and the end of input verified.
   */
  private int nextFrame(byte[] callerBuffer, int callerOff, int callerLen) throws IOException {
    openMessage();
    MessageDecryptor.Frame frame = reader.nextFrame();
    if (!frame.isFinal() && held == null && callerLen >= frame.contentLength()) {
      int n = reader.decrypt(frame, callerBuffer, callerOff);
      plaintextLength += n;
      return n;
    }
    if (plaintext.length < frame.contentLength()) {
      Arrays.fill(plaintext, (byte) 0);
      plaintext = new byte[frame.contentLength()];
    }
    int n = reader.decrypt(frame, plaintext, 0);
    plainPos = 0;
    plainEnd = n;
    plaintextLength += n;
    if (reader.isDone() && onComplete != null) {
      onComplete.accept(plaintextLength);
    }
    if (held != null) {
      if (held.length + (long) n > maxSignedBuffer) {
        Arrays.fill(plaintext, 0, n, (byte) 0);
        plainEnd = 0;
        held.zero();
        throw new InvalidMessageException(
            "signed message exceeds maxSignedStreamBuffer ("
                + maxSignedBuffer
                + " bytes) while SignedStreamPolicy.BUFFER_UNTIL_VERIFIED holds plaintext until the signature verifies");
      }
      held.append(plaintext, n);
      Arrays.fill(plaintext, 0, n, (byte) 0);
      plainEnd = 0;
      if (reader.isDone()) {
        plaintext = held.bytes;
        plainEnd = held.length;
        held = null;
      }
    }
    return 0;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void fail(RuntimeException e) {
    failure = e;
    Arrays.fill(plaintext, (byte) 0);
    plainPos = plainEnd = 0;
    if (held != null) {
      held.zero();
    }
  }

  /** Plaintext held until the signature verifies; old arrays are zeroed as it grows. */
  private static final class HeldPlaintext {
    byte[] bytes = new byte[0];
    int length;

    void append(byte[] b, int n) {
      if (length + n > bytes.length) {
        byte[] grown =
            new byte
                [(int)
                    Math.min(
                        Integer.MAX_VALUE - 16L, Math.max(length + (long) n, 2L * bytes.length))];
        System.arraycopy(bytes, 0, grown, 0, length);
        Arrays.fill(bytes, (byte) 0);
        bytes = grown;
      }
      System.arraycopy(b, 0, bytes, length, n);
      length += n;
    }

    void zero() {
      Arrays.fill(bytes, (byte) 0);
      length = 0;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Arrays.fill(plaintext, (byte) 0);
    plainPos = plainEnd = 0;
    if (held != null) {
      // Plaintext held back until the signature verifies: a read that ended in an I/O error leaves
      // it here.
      held.zero();
      held = null;
    }
    reader.close();
    source.close();
  }
}

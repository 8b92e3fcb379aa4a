package dev.envelope.stream;

import dev.envelope.InvalidMessageException;
import dev.envelope.SignedStreamPolicy;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.MessageDecryptor;
import dev.envelope.internal.format.MessageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Decrypts one message read from the underlying stream, one frame at a time; memory stays at one frame
 * (bounded by the configured maximum frame size) whatever the length. Obtain it from
 * {@code Envelope.decryptingStream}.
 *
 * <p>Only plaintext of frames whose GCM tag verified is ever returned. The final frame is returned only
 * after the footer (for signed suites) verified and the source proved to end right after the message;
 * end of input ({@code -1}) therefore means the whole message is authentic. A truncated, reordered,
 * altered or over-long stream fails with an {@link dev.envelope.EnvelopeException} subtype, which is
 * unchecked; I/O errors of the source are {@link IOException}s. For signed suites see
 * {@link SignedStreamPolicy}. Not thread-safe.
 */
public final class DecryptingInputStream extends InputStream {
  private static final int INITIAL_BUFFER = 8 * 1024;

  private final InputStream source;
  private final DecryptionLimits limits;
  private final Function<MessageHeader, MessageDecryptor> opener;
  private final SignedStreamPolicy signedPolicy;
  private final long maxSignedBuffer;
  private final LongConsumer onComplete;

  private byte[] in = new byte[INITIAL_BUFFER];
  private int inStart;
  private int inEnd;
  private boolean sourceEnded;

  private MessageDecryptor decryptor;
  private byte[] plaintext = new byte[0];
  private int plainPos;
  private int plainEnd;
  private HeldPlaintext held;
  private long plaintextLength;
  private boolean done;
  private boolean closed;
  private RuntimeException failure;

  /**
   * For {@code Envelope}: {@code opener} receives the parsed header, checks policy and expected context,
   * recovers the data key and returns a decryptor that this stream then owns.
   */
  public DecryptingInputStream(InputStream source, DecryptionLimits limits,
      Function<MessageHeader, MessageDecryptor> opener, SignedStreamPolicy signedPolicy, long maxSignedBuffer,
      LongConsumer onComplete) {
    this.source = Objects.requireNonNull(source, "source");
    this.limits = limits;
    this.opener = opener;
    this.signedPolicy = signedPolicy;
    this.maxSignedBuffer = maxSignedBuffer;
    this.onComplete = onComplete;
  }

  /** The header, reading it from the source if needed; lets callers inspect the context before reading. */
  public MessageHeader header() throws IOException {
    ensureOpen();
    try {
      return decryptor().header();
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  @Override
  public int read() throws IOException {
    if (plainPos < plainEnd && !closed) {
      // Released plaintext is authentic; byte-at-a-time readers take it without a call chain per byte.
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
        if (done) {
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

  private MessageDecryptor decryptor() throws IOException {
    if (decryptor == null) {
      MessageHeader header;
      while ((header = MessageHeader.parse(in, inStart, inEnd - inStart, limits)) == null) {
        // Ask for twice what is buffered, so a source that trickles bytes costs log(n) parses, not n.
        int have = inEnd - inStart;
        int want = (int) Math.min(Math.max(2L * have, have + 1L), limits.maxHeaderLength() + 1L);
        if (!fill(want, limits.maxHeaderLength() + 1) && inEnd - inStart == have) {
          throw new InvalidMessageException("message is truncated inside its header");
        }
      }
      if (header.suite().isSigned() && signedPolicy == SignedStreamPolicy.REFUSE) {
        throw new InvalidMessageException("message is signed (" + header.suite() + ") and this Envelope refuses"
            + " to stream signed messages (SignedStreamPolicy.REFUSE); decrypt it one-shot instead");
      }
      decryptor = opener.apply(header);
      inStart += header.length();
      // The plaintext buffer grows to the first frame that needs it (see nextFrame), not to what the
      // header declares: a short message with a large declared frame length costs only its real frames.
      if (header.suite().isSigned() && signedPolicy == SignedStreamPolicy.BUFFER_UNTIL_VERIFIED) {
        held = new HeldPlaintext();
      }
    }
    return decryptor;
  }

  /**
   * Decrypts the next frame. A regular frame that fits in the caller's buffer is decrypted straight into
   * it (saving a copy) and its length returned; otherwise the frame goes to {@code plaintext} and 0 is
   * returned. The final frame always goes through {@code plaintext}, released only after the footer and
   * the end of input verified.
   */
  private int nextFrame(byte[] callerBuffer, int callerOff, int callerLen) throws IOException {
    MessageDecryptor d = decryptor();
    MessageDecryptor.Frame frame;
    while ((frame = d.peekFrame(in, inStart, inEnd - inStart)) == null) {
      if (!fill(inEnd - inStart + 1, Integer.MAX_VALUE)) {
        throw truncated();
      }
    }
    int total = frame.totalLength();
    if (frame.contentLength() > limits.maxFrameLength()) {
      throw new InvalidMessageException("message body declares a block of " + frame.contentLength()
          + " bytes; the limit is " + limits.maxFrameLength());
    }
    if (!fill(total, Integer.MAX_VALUE)) {
      throw truncated();
    }
    if (!frame.isFinal() && held == null && callerLen >= frame.contentLength()) {
      int n = d.decryptFrame(frame, in, inStart, callerBuffer, callerOff);
      inStart += total;
      plaintextLength += n;
      return n;
    }
    if (plaintext.length < frame.contentLength()) {
      plaintext = new byte[frame.contentLength()];
    }
    int n = d.decryptFrame(frame, in, inStart, plaintext, 0);
    inStart += total;
    plainPos = 0;
    plainEnd = n;
    plaintextLength += n;
    if (frame.isFinal()) {
      finishMessage(d);
    }
    if (held != null) {
      if (held.length + (long) n > maxSignedBuffer) {
        Arrays.fill(plaintext, 0, n, (byte) 0);
        plainEnd = 0;
        held.zero();
        throw new InvalidMessageException("signed message exceeds maxSignedStreamBuffer (" + maxSignedBuffer
            + " bytes) while SignedStreamPolicy.BUFFER_UNTIL_VERIFIED holds plaintext until the signature verifies");
      }
      held.append(plaintext, n);
      Arrays.fill(plaintext, 0, n, (byte) 0);
      plainEnd = 0;
      if (done) {
        plaintext = held.bytes;
        plainEnd = held.length;
        held = null;
      }
    }
    return 0;
  }

  /** Verifies the footer and that nothing follows the message; only then is the final frame released. */
  private void finishMessage(MessageDecryptor d) throws IOException {
    try {
      if (d.hasFooter()) {
        int footerLength;
        while ((footerLength = d.footerLength(in, inStart, inEnd - inStart)) < 0) {
          if (!fill(inEnd - inStart + 1, Integer.MAX_VALUE)) {
            throw new InvalidMessageException("message is truncated: the signature footer is missing");
          }
        }
        if (!fill(footerLength, Integer.MAX_VALUE)) {
          throw new InvalidMessageException("message is truncated inside its signature footer");
        }
        d.verifyFooter(in, inStart, footerLength);
        inStart += footerLength;
      }
      if (inEnd > inStart || source.read() >= 0) {
        throw new InvalidMessageException("unexpected bytes after the end of the message");
      }
    } catch (RuntimeException | IOException e) {
      Arrays.fill(plaintext, 0, plainEnd, (byte) 0);
      plainEnd = 0;
      throw e;
    }
    done = true;
    if (onComplete != null) {
      onComplete.accept(plaintextLength);
    }
  }

  private InvalidMessageException truncated() {
    return new InvalidMessageException(
        "message is truncated inside its body: the stream ended before the final frame");
  }

  /**
   * Ensures {@code need} unread bytes are buffered, reading from the source.
   *
   * @return false if the source ended first
   */
  private boolean fill(int need, int cap) throws IOException {
    if (inEnd - inStart >= need) {
      return true;
    }
    if (need > in.length - inStart) {
      // Compact when the buffer can hold what is needed; grow (doubling, up to cap) only when it cannot.
      if (need > in.length) {
        byte[] grown = new byte[Math.max(need, (int) Math.min(cap, 2L * in.length))];
        System.arraycopy(in, inStart, grown, 0, inEnd - inStart);
        Arrays.fill(in, (byte) 0);
        in = grown;
      } else {
        System.arraycopy(in, inStart, in, 0, inEnd - inStart);
      }
      inEnd -= inStart;
      inStart = 0;
    }
    while (inEnd - inStart < need) {
      if (sourceEnded) {
        return false;
      }
      int n = source.read(in, inEnd, in.length - inEnd);
      if (n < 0) {
        sourceEnded = true;
        return false;
      }
      inEnd += n;
    }
    return true;
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
        byte[] grown = new byte[(int) Math.min(Integer.MAX_VALUE - 16L, Math.max(length + (long) n, 2L * bytes.length))];
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
      // Plaintext held back until the signature verifies: a read that ended in an I/O error leaves it here.
      held.zero();
      held = null;
    }
    if (decryptor != null) {
      decryptor.close();
    }
    source.close();
  }
}

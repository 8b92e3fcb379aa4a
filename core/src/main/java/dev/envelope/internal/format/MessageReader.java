package dev.envelope.internal.format;

import dev.envelope.InvalidMessageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Drives the decryption of one message, for one-shot decryption and decrypting streams alike: reads
 * the header and has it opened, then hands out frame after frame, and completes the message at its
 * final frame. The termination rules live here and nowhere else: a message is complete only once
 * its final frame authenticated, its signature (signed suites) verified and nothing follows it in
 * the input; the final frame's plaintext is handed over only then.
 *
 * <p>Where plaintext goes is the caller's choice: one-shot decryption writes every frame into one
 * array sized by {@link #plaintextLength()}, a stream into its own buffer or straight into its
 * reader's. The input is either the whole message in memory or a stream buffered one frame at a
 * time (at most {@link DecryptionLimits#maxFrameLength()} plus framing).
 *
 * <p>Not thread-safe. Closing closes the decryptor (zeroing the message key); it does not close the
 * source.
 */
public final class MessageReader implements AutoCloseable {
  private final Input input;
  private final DecryptionLimits limits;
  private MessageHeader header;
  private MessageDecryptor decryptor;
  private boolean done;

  private MessageReader(Input input, DecryptionLimits limits) {
    this.input = input;
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** A reader of a message held whole in {@code message}. */
  public static MessageReader inMemory(byte[] message, DecryptionLimits limits) {
    return new MessageReader(new InMemory(Objects.requireNonNull(message, "message")), limits);
  }

  /**
   * A reader of the message {@code source} delivers; reads no further than the message's end plus
   * one byte.
   */
  public static MessageReader streaming(InputStream source, DecryptionLimits limits) {
    return new MessageReader(new Streamed(Objects.requireNonNull(source, "source")), limits);
  }

  /** Whether {@link #open} has succeeded. */
  public boolean isOpen() {
    return decryptor != null;
  }

  /** The header, once {@link #open} succeeded. */
  public MessageHeader header() {
    requireOpen();
    return header;
  }

  /**
   * The message's whole encryption context once {@link #open} succeeded: stored pairs and the
   * reproduced ones the header tag authenticated.
   */
  public Map<String, String> encryptionContext() {
    requireOpen();
    return decryptor.encryptionContext();
  }

  /** Whether the message is complete: final frame, signature and end of input all verified. */
  public boolean isDone() {
    return done;
  }

  /**
   * Reads the header and has {@code opener} open it: check what the caller requires (policy,
   * expected context), recover the data key and return a decryptor, which authenticates the header
   * and which this reader then owns. Does nothing once open.
   *
   * @throws InvalidMessageException if the input ends inside the header or the header is invalid
   */
  public MessageHeader open(Function<MessageHeader, MessageDecryptor> opener) throws IOException {
    if (decryptor != null) {
      return header;
    }
    MessageHeader parsed;
    while ((parsed = MessageHeader.parse(input.buf, input.start, input.available(), limits))
        == null) {
      // Ask for twice what is buffered, so a source that trickles bytes costs log(n) parses, not n.
      int have = input.available();
      int want = (int) Math.min(Math.max(2L * have, have + 1L), limits.maxHeaderLength() + 1L);
      if (!input.fill(want, limits.maxHeaderLength() + 1) && input.available() == have) {
        throw new InvalidMessageException("message is truncated inside its header");
      }
    }
    MessageDecryptor opened = Objects.requireNonNull(opener.apply(parsed), "decryptor");
    header = parsed;
    decryptor = opened;
    input.consume(parsed.length());
    return parsed;
  }

  /**
   * The plaintext length of a message held in memory, before anything is allocated for it: walks
   * the framing and checks every declared length against the bytes present.
   *
   * @throws InvalidMessageException if the body is truncated or declares impossible lengths
   */
  public long plaintextLength() {
    requireOpen();
    if (!(input instanceof InMemory)) {
      throw new IllegalStateException(
          "the plaintext length is known in advance only for a message in memory");
    }
    return decryptor.scanPlaintextLength(input.buf, input.start);
  }

  /**
   * The next frame (or the single block of a legacy non-framed message), its framing validated and
   * all its bytes buffered; null once the message is complete.
   *
   * @throws InvalidMessageException if the input ends first, or the frame's framing or size is not
   *     allowed
   */
  public MessageDecryptor.Frame nextFrame() throws IOException {
    requireOpen();
    if (done) {
      return null;
    }
    MessageDecryptor.Frame frame;
    while ((frame = decryptor.peekFrame(input.buf, input.start, input.available())) == null) {
      if (!input.fill(input.available() + 1, Integer.MAX_VALUE)) {
        throw truncated();
      }
    }
    if (frame.contentLength() > limits.maxFrameLength()) {
      throw new InvalidMessageException(
          "message body declares a block of "
              + frame.contentLength()
              + " bytes; the limit is "
              + limits.maxFrameLength());
    }
    if (!input.fill(frame.totalLength(), Integer.MAX_VALUE)) {
      throw truncated();
    }
    return frame;
  }

  /**
   * Authenticates and decrypts {@code frame}, the one {@link #nextFrame()} returned, into {@code
   * out} (room for its content length at {@code off}). For the final frame the message is completed
   * before this returns: the footer verified and the input proved to end there; if that fails, the
   * plaintext written is zeroed and the failure thrown.
   *
   * @return plaintext bytes written
   * @throws InvalidMessageException if the frame does not authenticate or the message does not end
   *     right
   */
  public int decrypt(MessageDecryptor.Frame frame, byte[] out, int off) throws IOException {
    requireOpen();
    int n = decryptor.decryptFrame(frame, input.buf, input.start, out, off);
    input.consume(frame.totalLength());
    if (frame.isFinal()) {
      try {
        finish();
      } catch (RuntimeException | IOException e) {
        Arrays.fill(out, off, off + n, (byte) 0);
        throw e;
      }
    }
    return n;
  }

  /** After the final frame: the signature footer of signed suites, then nothing more. */
  private void finish() throws IOException {
    if (decryptor.hasFooter()) {
      int footerLength;
      while ((footerLength = decryptor.footerLength(input.buf, input.start, input.available()))
          < 0) {
        if (!input.fill(input.available() + 1, Integer.MAX_VALUE)) {
          throw new InvalidMessageException(
              "message is truncated: the signature footer is missing");
        }
      }
      if (!input.fill(footerLength, Integer.MAX_VALUE)) {
        throw new InvalidMessageException("message is truncated inside its signature footer");
      }
      decryptor.verifyFooter(input.buf, input.start, footerLength);
      input.consume(footerLength);
    }
    if (input.hasMore()) {
      throw new InvalidMessageException(input.describeTrailing());
    }
    done = true;
  }

  private static InvalidMessageException truncated() {
    return new InvalidMessageException(
        "message is truncated inside its body: the input ended before the final frame");
  }

  private void requireOpen() {
    if (decryptor == null) {
      throw new IllegalStateException("the message has not been opened");
    }
  }

  /** Closes the decryptor: zeroes the message key and scrubs the cipher. */
  @Override
  public void close() {
    if (decryptor != null) {
      decryptor.close();
    }
  }

  /** The message's bytes: {@code buf[start, end)} is read but not yet consumed. */
  private abstract static class Input {
    byte[] buf;
    int start;
    int end;

    final int available() {
      return end - start;
    }

    final void consume(int n) {
      start += n;
    }

    /**
     * Makes at least {@code need} unconsumed bytes available, growing the buffer up to {@code cap}.
     *
     * @return false if the input ended first
     */
    abstract boolean fill(int need, int cap) throws IOException;

    /** Whether any byte follows what was consumed. */
    abstract boolean hasMore() throws IOException;

    abstract String describeTrailing();
  }

  /** The whole message in one array: nothing more can come. */
  private static final class InMemory extends Input {
    InMemory(byte[] message) {
      buf = message;
      end = message.length;
    }

    @Override
    boolean fill(int need, int cap) {
      return available() >= need;
    }

    @Override
    boolean hasMore() {
      return available() > 0;
    }

    @Override
    String describeTrailing() {
      return "message has "
          + available()
          + " unexpected trailing bytes after the end of the message";
    }
  }

  /**
   * A source read into a buffer that grows to what one frame needs and is compacted as it is
   * consumed.
   */
  private static final class Streamed extends Input {
    private static final int INITIAL_BUFFER = 8 * 1024;
    private final InputStream source;
    private boolean ended;

    Streamed(InputStream source) {
      this.source = source;
      this.buf = new byte[INITIAL_BUFFER];
    }

    @Override
    boolean fill(int need, int cap) throws IOException {
      if (available() >= need) {
        return true;
      }
      if (need > buf.length - start) {
        // Compact when the buffer can hold what is needed; grow (doubling, up to cap) only when it
        // cannot.
        if (need > buf.length) {
          byte[] grown = new byte[Math.max(need, (int) Math.min(cap, 2L * buf.length))];
          System.arraycopy(buf, start, grown, 0, available());
          Arrays.fill(buf, (byte) 0);
          buf = grown;
        } else {
          System.arraycopy(buf, start, buf, 0, available());
        }
        end -= start;
        start = 0;
      }
      while (available() < need) {
        if (ended) {
          return false;
        }
        int n = source.read(buf, end, buf.length - end);
        if (n < 0) {
          ended = true;
          return false;
        }
        end += n;
      }
      return true;
    }

    @Override
    boolean hasMore() throws IOException {
      return available() > 0 || (!ended && source.read() >= 0);
    }

    @Override
    String describeTrailing() {
      return "unexpected bytes after the end of the message";
    }
  }
}

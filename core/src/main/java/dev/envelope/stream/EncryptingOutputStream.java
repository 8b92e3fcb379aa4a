package dev.envelope.stream;

import dev.envelope.PlaintextLengthExceededException;
import dev.envelope.internal.format.MessageEncryptor;
import dev.envelope.keyring.EncryptionMaterials;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts everything written to it into one message on the underlying stream, one frame at a time;
 * memory stays at one frame whatever the length. Obtain it from {@code Envelope.encryptingStream}.
 *
 * <p>Each frame is encrypted and written as soon as it is full, straight from the caller's array
 * when a write covers a whole frame. The final frame, and for signed suites the signature, are
 * written by {@link #close()}. A stream abandoned without {@code close()} leaves a message without
 * a final frame, which every decryptor rejects as truncated. After any failure the stream refuses
 * further writes and {@code close()} does not complete the message. Closing twice is harmless. Not
 * thread-safe.
 *
 * <p>A stream opened with an expected length (so that a data-key cache can serve it) refuses to
 * encrypt more than that: see {@link PlaintextLengthExceededException}.
 */
public final class EncryptingOutputStream extends OutputStream {
  private final OutputStream sink;
  private final MessageEncryptor encryptor;
  private final EncryptionMaterials materials;
  private final java.util.function.LongConsumer onComplete;
  private final int frameLength;

  /** Declared plaintext length (a cache reserved it), or Long.MAX_VALUE when none was declared. */
  private final long maxPlaintextLength;

  private final byte[] pending;
  private final byte[] frameOut;
  private int pendingLength;
  private long plaintextLength;
  private boolean headerWritten;
  private boolean closed;
  private boolean failed;

  /**
   * For {@code Envelope} (through {@link StreamFactory}): takes ownership of the encryptor and the
   * materials (both closed when the stream closes) and calls {@code onComplete} once the message is
   * complete. At most {@code maxPlaintextLength} bytes ({@code Long.MAX_VALUE}: no bound) are
   * accepted: a write that would exceed it throws {@link PlaintextLengthExceededException} before
   * encrypting any of its bytes, and the stream fails (its message stays without a final frame).
   */
  EncryptingOutputStream(
      OutputStream sink,
      MessageEncryptor encryptor,
      EncryptionMaterials materials,
      java.util.function.LongConsumer onComplete,
      long maxPlaintextLength) {
    if (maxPlaintextLength < 0) {
      throw new IllegalArgumentException("maxPlaintextLength must not be negative");
    }
    this.maxPlaintextLength = maxPlaintextLength;
    this.sink = Objects.requireNonNull(sink, "sink");
    this.encryptor = encryptor;
    this.materials = materials;
    this.onComplete = onComplete;
    this.frameLength = encryptor.frameLength();
    this.pending = new byte[frameLength];
    this.frameOut =
        new byte[frameLength + MessageEncryptor.FINAL_FRAME_OVERHEAD + encryptor.maxFooterLength()];
  }

  @Override
  public void write(int b) throws IOException {
    if (headerWritten
        && !closed
        && !failed
        && pendingLength < frameLength - 1
        && plaintextLength + pendingLength < maxPlaintextLength) {
      // Byte-at-a-time writers (DataOutputStream, hand-rolled encoders) must not pay a call chain
      // per byte; the byte that completes a frame takes the general path, which encrypts it.
      pending[pendingLength++] = (byte) b;
      return;
    }
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkUsable();
    long accepted = plaintextLength + pendingLength;
    if (len > maxPlaintextLength - accepted) {
      // Checked before anything of this write is encrypted; the message never gets its final frame.
      failed = true;
      throw new PlaintextLengthExceededException(maxPlaintextLength, accepted + len);
    }
    try {
      writeHeaderOnce();
      // Full frames go out as soon as they are complete; close() writes the final frame from what
      // is left
      // (possibly nothing: an empty final frame, as the format allows, when input ends on a
      // boundary).
      while (len > 0) {
        if (pendingLength == 0 && len >= frameLength) {
          // Encrypt straight from the caller's array: no copy for large writes.
          emitRegular(b, off);
          off += frameLength;
          len -= frameLength;
          continue;
        }
        int n = Math.min(len, frameLength - pendingLength);
        System.arraycopy(b, off, pending, pendingLength, n);
        pendingLength += n;
        off += n;
        len -= n;
        if (pendingLength == frameLength) {
          emitRegular(pending, 0);
          pendingLength = 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private void emitRegular(byte[] in, int off) throws IOException {
    int n = encryptor.encryptRegularFrame(in, off, frameOut, 0);
    sink.write(frameOut, 0, n);
    plaintextLength += frameLength;
  }

  private void writeHeaderOnce() throws IOException {
    if (!headerWritten) {
      sink.write(encryptor.header());
      headerWritten = true;
    }
  }

  private void checkUsable() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (failed) {
      throw new IOException(
          "stream failed earlier; the message is incomplete and will not decrypt");
    }
  }

  /**
   * Passes buffered ciphertext on; plaintext of a partial frame stays buffered until it fills or
   * closes.
   */
  @Override
  public void flush() throws IOException {
    sink.flush();
  }

  /**
   * Ends the message (final frame and footer, by the encryptor), then closes the underlying stream.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!failed) {
        writeHeaderOnce();
        int n = encryptor.finish(pending, 0, pendingLength, frameOut, 0);
        sink.write(frameOut, 0, n);
        plaintextLength += pendingLength;
        sink.flush();
        if (onComplete != null) {
          onComplete.accept(plaintextLength);
        }
      }
    } finally {
      Arrays.fill(pending, (byte) 0);
      encryptor.close();
      materials.close();
      sink.close();
    }
  }

  /** Plaintext bytes encrypted so far (complete frames only until closed). */
  public long plaintextLength() {
    return plaintextLength;
  }
}

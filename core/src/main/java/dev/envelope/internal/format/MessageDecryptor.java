package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.InvalidMessageException;
import dev.envelope.internal.bytes.BigEndian;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.text.UntrustedText;
import dev.envelope.keyring.DecryptionMaterials;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import javax.crypto.AEADBadTagException;

/**
 * The cryptographic state of one message being decrypted: checks the key commitment and the header
 * authentication on construction, then authenticates and decrypts frame by frame, in order. {@link
 * MessageReader} drives it, for one-shot decryption and decrypting streams alike.
 *
 * <p>Frames are located with {@link #peekFrame}, which validates the sequence number and declared
 * length before the caller buffers or allocates anything, then decrypted with {@link
 * #decryptFrame}, which writes plaintext only after the frame's tag verified. For signed suites
 * every byte is also fed to the signature, which {@link #verifyFooter} checks at the end.
 *
 * <p>Not thread-safe. Closing zeroes the derived key.
 */
public final class MessageDecryptor implements AutoCloseable {
  private static final int FINAL_MARKER = -1;

  /** Where the next frame lies and how long it is. */
  public record Frame(BodyAad.FrameKind kind, int headerLength, int contentLength) {
    /** Whole frame length: framing fields, ciphertext and tag. */
    public int totalLength() {
      return headerLength + contentLength + AlgorithmSuite.TAG_LENGTH;
    }

    public boolean isFinal() {
      return kind != BodyAad.FrameKind.REGULAR;
    }
  }

  private final MessageHeader header;
  private final AlgorithmSuite suite;
  private final MessageKeys keys;
  private final BodyAad aad;
  private final AesGcm gcm;
  private final Ecdsa.Verifier verifier;
  private long sequenceNumber = 1;
  private boolean bodyDone;
  private final Map<String, String> encryptionContext;

  /**
   * Derives the message key and checks commitment and header authentication.
   *
   * @throws InvalidMessageException if the data key does not match the commitment or the header was
   *     altered
   */
  public MessageDecryptor(MessageHeader header, DecryptionMaterials materials, AesGcm gcm) {
    this.header = header;
    this.suite = header.suite();
    this.gcm = gcm;
    this.encryptionContext = Map.copyOf(materials.encryptionContext());
    this.keys = MessageKeys.derive(suite, materials.dataKey().bytes(), header.messageIdUnsafe());
    this.aad = new BodyAad(header.messageIdUnsafe());
    try {
      if (suite.isCommitting()
          && !MessageDigest.isEqual(keys.commitment(), header.commitmentUnsafe())) {
        throw new InvalidMessageException(
            "key commitment does not match: the data key is not the one this message was encrypted with,"
                + " or the header was altered");
      }
      authenticateHeader(materials);
      if (suite.isSigned()) {
        this.verifier = Ecdsa.verifier(suite, materials.verificationKey());
        byte[] whole = header.toByteArray();
        verifier.update(whole);
      } else {
        this.verifier = null;
      }
    } catch (RuntimeException e) {
      // A failed header authentication has keyed the cipher with the message key: drop that copy
      // too.
      close();
      throw e;
    }
  }

  /**
   * The message's whole encryption context: the pairs its header stores and the reproduced pairs
   * (required encryption context) that the header tag authenticated.
   */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /**
   * Verifies the header tag over the header body and the reproduced pairs the header does not store
   * (the materials' required encryption context keys). If it verifies only without those pairs, the
   * message never bound them: the caller's context is not the message's.
   */
  private void authenticateHeader(DecryptionMaterials materials) {
    byte[] iv =
        header.version() == 1 ? header.headerIvUnsafe() : new byte[AlgorithmSuite.IV_LENGTH];
    Map<String, String> onlyAuthenticated =
        HeaderAuthentication.onlyAuthenticated(
            materials.encryptionContext(), materials.requiredEncryptionContextKeys());
    byte[] aad =
        HeaderAuthentication.aad(
            header.bodyUnsafe(),
            materials.encryptionContext(),
            materials.requiredEncryptionContextKeys());
    if (headerTagVerifies(iv, aad)) {
      return;
    }
    if (onlyAuthenticated.isEmpty()) {
      throw new InvalidMessageException(
          "header authentication failed: the header was altered or truncated, or the message was"
              + " encrypted with required encryption context that must be supplied to decrypt");
    }
    if (headerTagVerifies(iv, header.bodyUnsafe())) {
      throw new EncryptionContextMismatchException(onlyAuthenticated.keySet());
    }
    throw new InvalidMessageException(
        "header authentication failed: the header was altered, or the expected context pairs the"
            + " message does not store "
            + UntrustedText.list(new TreeSet<>(onlyAuthenticated.keySet()))
            + " differ from the required pairs it was encrypted with");
  }

  private boolean headerTagVerifies(byte[] iv, byte[] aad) {
    try {
      gcm.decrypt(
          keys.key(),
          iv,
          aad,
          header.authTagUnsafe(),
          0,
          AlgorithmSuite.TAG_LENGTH,
          new byte[0],
          0);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  /**
   * Validates the framing fields of the next frame at {@code buf[off, off+avail)}.
   *
   * @return the frame's layout, or null if fewer bytes than its framing fields are available
   * @throws InvalidMessageException if the sequence number or declared length is wrong
   */
  Frame peekFrame(byte[] buf, int off, int avail) {
    if (bodyDone) {
      throw new IllegalStateException("body already complete");
    }
    if (header.contentType() == MessageHeader.CONTENT_TYPE_NON_FRAMED) {
      return peekSingleBlock(buf, off, avail);
    }
    if (avail < 4) {
      return null;
    }
    int first = BigEndian.readInt(buf, off);
    boolean isFinal = first == FINAL_MARKER;
    int headerLength =
        isFinal ? 4 + 4 + AlgorithmSuite.IV_LENGTH + 4 : 4 + AlgorithmSuite.IV_LENGTH;
    if (avail < headerLength) {
      return null;
    }
    int p = off;
    if (isFinal) {
      p += 4;
    }
    long seq = Integer.toUnsignedLong(BigEndian.readInt(buf, p));
    if (seq != sequenceNumber) {
      throw new InvalidMessageException(
          "frame out of order: expected sequence number "
              + sequenceNumber
              + ", found "
              + seq
              + (isFinal ? " (final frame)" : ""));
    }
    p += 4;
    p += AlgorithmSuite.IV_LENGTH;
    int contentLength;
    if (isFinal) {
      long declared = Integer.toUnsignedLong(BigEndian.readInt(buf, p));
      if (declared > header.frameLength()) {
        throw new InvalidMessageException(
            "final frame declares "
                + declared
                + " bytes, more than the frame length "
                + header.frameLength());
      }
      contentLength = (int) declared;
    } else {
      if (sequenceNumber >= MessageEncryptor.MAX_SEQUENCE_NUMBER) {
        throw new InvalidMessageException("message has too many frames");
      }
      contentLength = header.frameLength();
    }
    if (contentLength > Integer.MAX_VALUE - headerLength - AlgorithmSuite.TAG_LENGTH) {
      // Only a one-shot read allows frame lengths this close to 2^31; such a frame cannot be in one
      // array.
      throw new InvalidMessageException(
          "frame "
              + sequenceNumber
              + " of "
              + contentLength
              + " bytes is too large"
              + " to decrypt");
    }
    return new Frame(
        isFinal ? BodyAad.FrameKind.FINAL : BodyAad.FrameKind.REGULAR, headerLength, contentLength);
  }

  private Frame peekSingleBlock(byte[] buf, int off, int avail) {
    int headerLength = AlgorithmSuite.IV_LENGTH + 8;
    if (avail < headerLength) {
      return null;
    }
    long declared = BigEndian.readLong(buf, off + AlgorithmSuite.IV_LENGTH);
    // The format caps non-framed content at 2^36 - 32 bytes; Envelope holds it in one array, so
    // less.
    if (declared < 0 || declared > (1L << 36) - 32) {
      throw new InvalidMessageException(
          "non-framed message declares an impossible length " + declared);
    }
    if (declared > Integer.MAX_VALUE - 64) {
      throw new InvalidMessageException(
          "non-framed message of " + declared + " bytes is too large to decrypt" + " in memory");
    }
    return new Frame(BodyAad.FrameKind.SINGLE_BLOCK, headerLength, (int) declared);
  }

  /** Where the IV of {@code frame} lies in a buffer whose frame starts at {@code off}. */
  private static int ivOffset(Frame frame, int off) {
    return switch (frame.kind()) {
      case SINGLE_BLOCK -> off;
      case REGULAR -> off + 4;
      case FINAL -> off + 8;
    };
  }

  /**
   * Authenticates and decrypts the frame {@code frame} (from {@link #peekFrame}) whose bytes start
   * at {@code buf[off]}; the caller guarantees {@code frame.totalLength()} bytes are there and
   * {@code out} has room for {@code frame.contentLength()} bytes.
   *
   * @return plaintext bytes written
   * @throws InvalidMessageException if the frame does not authenticate; nothing usable is in {@code
   *     out}
   */
  int decryptFrame(Frame frame, byte[] buf, int off, byte[] out, int outOff) {
    int ctOff = off + frame.headerLength();
    int ctLen = frame.contentLength() + AlgorithmSuite.TAG_LENGTH;
    byte[] frameAad = aad.aad(frame.kind(), sequenceNumber, frame.contentLength());
    int written;
    try {
      // The frame's own IV: writers derive it from the sequence number, but the format only asks
      // that it be unique, and the official ESDK reads any (its commitment vectors use other IVs).
      // The AAD binds the frame to its message and position whatever the IV.
      int ivOff = ivOffset(frame, off);
      byte[] iv = Arrays.copyOfRange(buf, ivOff, ivOff + AlgorithmSuite.IV_LENGTH);
      written = gcm.decrypt(keys.key(), iv, frameAad, buf, ctOff, ctLen, out, outOff);
    } catch (AEADBadTagException e) {
      Arrays.fill(out, outOff, outOff + frame.contentLength(), (byte) 0);
      throw new InvalidMessageException(
          "frame "
              + sequenceNumber
              + " failed authentication: the message was"
              + " altered, truncated, or frames were swapped between messages");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
    if (verifier != null) {
      verifier.update(buf, off, frame.totalLength());
    }
    sequenceNumber++;
    if (frame.isFinal()) {
      bodyDone = true;
    }
    return written;
  }

  /**
   * Walks the framing of a complete in-memory body to learn its plaintext length before anything is
   * allocated; every declared length is checked against the bytes present. Frames are authenticated
   * later by {@link #decryptFrame}.
   *
   * @throws InvalidMessageException if the body is truncated or declares impossible lengths
   */
  long scanPlaintextLength(byte[] message, int bodyStart) {
    if (header.contentType() == MessageHeader.CONTENT_TYPE_NON_FRAMED) {
      Frame block = peekSingleBlock(message, bodyStart, message.length - bodyStart);
      if (block == null || block.totalLength() > message.length - bodyStart) {
        throw new InvalidMessageException("message is truncated inside its body");
      }
      return block.contentLength();
    }
    int frameLength = header.frameLength();
    long p = bodyStart;
    long total = 0;
    while (true) {
      long remaining = message.length - p;
      if (remaining < 4) {
        throw new InvalidMessageException("message is truncated inside its body");
      }
      if (BigEndian.readInt(message, (int) p) == FINAL_MARKER) {
        int lengthField = 4 + 4 + AlgorithmSuite.IV_LENGTH;
        if (remaining < lengthField + 4) {
          throw new InvalidMessageException("message is truncated inside its final frame");
        }
        long content = Integer.toUnsignedLong(BigEndian.readInt(message, (int) p + lengthField));
        if (content > frameLength) {
          throw new InvalidMessageException(
              "final frame declares " + content + " bytes, more than the frame length");
        }
        if (content + MessageEncryptor.FINAL_FRAME_OVERHEAD > remaining) {
          throw new InvalidMessageException("message is truncated inside its final frame");
        }
        return total + content;
      }
      long size = (long) frameLength + MessageEncryptor.REGULAR_FRAME_OVERHEAD;
      if (size > remaining) {
        throw new InvalidMessageException(
            "message is truncated inside a frame, or its final frame is missing");
      }
      total += frameLength;
      p += size;
    }
  }

  /** Whether a footer follows the body. */
  boolean hasFooter() {
    return verifier != null;
  }

  /** Length of the footer at {@code buf[off]}, or -1 if its length field is not yet available. */
  int footerLength(byte[] buf, int off, int avail) {
    if (avail < 2) {
      return -1;
    }
    return 2 + (((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF));
  }

  /**
   * Verifies the footer's signature over everything before it.
   *
   * @throws InvalidMessageException if the signature does not verify
   */
  void verifyFooter(byte[] buf, int off, int len) {
    if (!bodyDone) {
      throw new IllegalStateException("body not complete");
    }
    if (!verifier.verify(buf, off + 2, len - 2)) {
      throw new InvalidMessageException(
          "message signature does not verify: the message was altered");
    }
  }

  /** Zeroes the derived key and drops the cipher's copy of it. */
  @Override
  public void close() {
    keys.close();
    gcm.scrub();
  }
}

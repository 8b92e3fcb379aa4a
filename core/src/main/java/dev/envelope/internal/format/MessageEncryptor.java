package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.bytes.BigEndian;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.crypto.MessageIdSource;
import dev.envelope.keyring.EncryptionMaterials;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one message of format v2, for both one-shot encryption ({@link #encryptMessage}) and
 * encrypting streams: {@link #header()} first, then regular frames of exactly the frame length,
 * then {@link #finish}, which writes the final frame (at most the frame length) and the footer
 * (signed suites) and so ends the message; the termination rules live there. Signed suites feed
 * every emitted byte to the signature as it is produced.
 *
 * <p>A one-shot message puts its last (possibly full) frame of plaintext in the final frame; a
 * stream, which cannot know whether more will come, emits every full frame as a regular one and may
 * end with an empty final frame. Both layouts are the format's own.
 *
 * <p>Not thread-safe. Closing zeroes the derived key.
 */
public final class MessageEncryptor implements AutoCloseable {
  /** Sequence number field, IV and tag around a regular frame's content. */
  public static final int REGULAR_FRAME_OVERHEAD =
      4 + AlgorithmSuite.IV_LENGTH + AlgorithmSuite.TAG_LENGTH;

  /** End marker, sequence number, IV, content length and tag around the final frame's content. */
  public static final int FINAL_FRAME_OVERHEAD =
      4 + 4 + AlgorithmSuite.IV_LENGTH + 4 + AlgorithmSuite.TAG_LENGTH;

  /** Largest sequence number; 0xFFFFFFFF marks the final frame. */
  static final long MAX_SEQUENCE_NUMBER = 0xFFFFFFFEL;

  private final AlgorithmSuite suite;
  private final int frameLength;
  private final MessageKeys keys;
  private final BodyAad aad;
  private final AesGcm gcm;
  private final byte[] header;
  private final Ecdsa.Signer signer;
  private long sequenceNumber = 1;
  private boolean finished;

  public MessageEncryptor(
      EncryptionMaterials materials, int frameLength, AesGcm gcm, MessageIdSource messageIds) {
    this(materials, frameLength, gcm, messageIds.next());
  }

  private MessageEncryptor(
      EncryptionMaterials materials, int frameLength, AesGcm gcm, byte[] messageId) {
    this(materials, frameLength, gcm, messageId, deriveKeys(materials, messageId));
  }

  /**
   * Takes ownership of {@code keys} at once: whatever fails from here on (a context too long for
   * the header, a signing key the JCE refuses, AES-GCM itself), the derived key is zeroed and the
   * cipher scrubbed before the exception leaves. Package-private so that tests can watch the keys.
   */
  MessageEncryptor(
      EncryptionMaterials materials,
      int frameLength,
      AesGcm gcm,
      byte[] messageId,
      MessageKeys keys) {
    this.suite = materials.suite();
    this.frameLength = frameLength;
    this.gcm = gcm;
    this.keys = keys;
    this.aad = new BodyAad(messageId);
    try {
      if (materials.requiredEncryptionContextKeys().isEmpty()) {
        // The record path: every pair is stored, and with cached materials the header body differs
        // from the last message's only in the message id and the commitment.
        byte[] template =
            HeaderTemplate.body(
                suite, materials.encryptionContext(), materials.encryptedDataKeys(), frameLength);
        byte[] whole = Arrays.copyOf(template, template.length + AlgorithmSuite.TAG_LENGTH);
        System.arraycopy(messageId, 0, whole, HeaderTemplate.MESSAGE_ID_OFFSET, messageId.length);
        byte[] commitment = keys.commitment();
        System.arraycopy(
            commitment, 0, whole, template.length - commitment.length, commitment.length);
        // Header authentication: GCM over an empty plaintext with a zero IV, the body as AAD.
        gcm.tag(
            keys.key(),
            new byte[AlgorithmSuite.IV_LENGTH],
            whole,
            0,
            template.length,
            whole,
            template.length);
        this.header = whole;
      } else {
        // Required context pairs are authenticated but not stored: the header keeps the rest.
        Map<String, String> stored = new HashMap<>(materials.encryptionContext());
        stored.keySet().removeAll(materials.requiredEncryptionContextKeys());
        MessageHeader unauthenticated =
            MessageHeader.forEncryption(
                suite,
                messageId,
                stored,
                materials.encryptedDataKeys(),
                frameLength,
                keys.commitment());
        byte[] tag = new byte[AlgorithmSuite.TAG_LENGTH];
        // Header authentication: GCM over an empty plaintext with a zero IV; the AAD is the header
        // body followed by the serialized required pairs.
        byte[] headerAad =
            HeaderAuthentication.aad(
                unauthenticated.bodyUnsafe(),
                materials.encryptionContext(),
                materials.requiredEncryptionContextKeys());
        gcm.encrypt(keys.key(), new byte[AlgorithmSuite.IV_LENGTH], headerAad, tag, 0, 0, tag, 0);
        this.header = unauthenticated.withAuthTag(tag).toByteArray();
      }
      this.signer = suite.isSigned() ? Ecdsa.signer(suite, materials.signingKey()) : null;
      sign(header, 0, header.length);
    } catch (GeneralSecurityException e) {
      close();
      throw new IllegalStateException("AES-GCM failed while writing the header", e);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private static MessageKeys deriveKeys(EncryptionMaterials materials, byte[] messageId) {
    if (!materials.suite().canEncrypt()) {
      throw new IllegalArgumentException(
          "Envelope encrypts only with committing suites, not " + materials.suite());
    }
    return MessageKeys.derive(materials.suite(), materials.dataKey().bytes(), messageId);
  }

  /** The serialized header, header body and authentication tag. */
  public byte[] header() {
    return header;
  }

  public int frameLength() {
    return frameLength;
  }

  /**
   * The encrypted size of a message with this header and {@code plaintextLength} bytes, without
   * footer.
   */
  public long bodyLength(long plaintextLength) {
    long regularFrames = plaintextLength == 0 ? 0 : (plaintextLength - 1) / frameLength;
    long finalContent = plaintextLength - regularFrames * frameLength;
    return regularFrames * (REGULAR_FRAME_OVERHEAD + frameLength)
        + FINAL_FRAME_OVERHEAD
        + finalContent;
  }

  /**
   * The longest one-shot message for {@code plaintextLength} bytes: header, body and the longest
   * footer. Callers check it against what one array holds before {@link #encryptMessage}.
   */
  public long maxMessageLength(long plaintextLength) {
    return header.length + bodyLength(plaintextLength) + maxFooterLength();
  }

  /**
   * The whole message for {@code plaintext}: header, regular frames, then the rest of the plaintext
   * (all of the last frame's worth, so never an empty final frame unless the plaintext is empty)
   * through {@link #finish}.
   *
   * @throws IllegalArgumentException if the message would not fit one array
   */
  public byte[] encryptMessage(byte[] plaintext) {
    long total = maxMessageLength(plaintext.length);
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "plaintext too large for a one-shot message; use encryptingStream");
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(header, 0, out, 0, header.length);
    int p = header.length;
    int in = 0;
    while (plaintext.length - in > frameLength) {
      p += encryptRegularFrame(plaintext, in, out, p);
      in += frameLength;
    }
    p += finish(plaintext, in, plaintext.length - in, out, p);
    return p == out.length ? out : Arrays.copyOf(out, p);
  }

  /** Largest footer this suite can produce: two length bytes and a DER ECDSA signature. */
  public int maxFooterLength() {
    return switch (suite.signature()) {
      case NONE -> 0;
      case ECDSA_P256 -> 2 + 72;
      case ECDSA_P384 -> 2 + 104;
    };
  }

  /** Encrypts exactly one frame length of plaintext as a regular frame. @return bytes written */
  public int encryptRegularFrame(byte[] in, int inOff, byte[] out, int outOff) {
    checkOpen();
    if (sequenceNumber >= MAX_SEQUENCE_NUMBER) {
      throw new IllegalStateException(
          "message would exceed the format's 2^32 - 1 frames; use a larger frame size");
    }
    int p = outOff;
    BigEndian.writeInt(out, p, (int) sequenceNumber);
    p += 4;
    p += writeEncrypted(BodyAad.FrameKind.REGULAR, in, inOff, frameLength, out, p);
    sign(out, outOff, p - outOff);
    sequenceNumber++;
    return p - outOff;
  }

  /**
   * Ends the message: encrypts the last {@code len} bytes (at most one frame length, possibly none)
   * as the final frame and, for signed suites, appends the footer. {@code out} needs room for
   * {@code len + FINAL_FRAME_OVERHEAD + maxFooterLength()} bytes.
   *
   * @return bytes written
   */
  public int finish(byte[] in, int inOff, int len, byte[] out, int outOff) {
    int p = outOff + encryptFinalFrame(in, inOff, len, out, outOff);
    byte[] footer = footer();
    System.arraycopy(footer, 0, out, p, footer.length);
    return p + footer.length - outOff;
  }

  private int encryptFinalFrame(byte[] in, int inOff, int len, byte[] out, int outOff) {
    checkOpen();
    if (len > frameLength || len < 0) {
      throw new IllegalArgumentException(
          "final frame content must be 0.." + frameLength + " bytes");
    }
    int p = outOff;
    BigEndian.writeInt(out, p, -1);
    BigEndian.writeInt(out, p + 4, (int) sequenceNumber);
    p += 8;
    p += writeEncrypted(BodyAad.FrameKind.FINAL, in, inOff, len, out, p);
    sign(out, outOff, p - outOff);
    finished = true;
    return p - outOff;
  }

  private int writeEncrypted(
      BodyAad.FrameKind kind, byte[] in, int inOff, int len, byte[] out, int p) {
    byte[] iv = aad.iv(sequenceNumber);
    System.arraycopy(iv, 0, out, p, iv.length);
    int start = p;
    p += iv.length;
    if (kind == BodyAad.FrameKind.FINAL) {
      BigEndian.writeInt(out, p, len);
      p += 4;
    }
    try {
      p += gcm.encrypt(keys.key(), iv, aad.aad(kind, sequenceNumber, len), in, inOff, len, out, p);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return p - start;
  }

  /**
   * The footer (signature length and signature) for signed suites, or an empty array. Call once,
   * last.
   */
  private byte[] footer() {
    if (!finished) {
      throw new IllegalStateException("the final frame has not been written");
    }
    if (signer == null) {
      return new byte[0];
    }
    byte[] signature = signer.sign();
    byte[] footer = new byte[2 + signature.length];
    footer[0] = (byte) (signature.length >>> 8);
    footer[1] = (byte) signature.length;
    System.arraycopy(signature, 0, footer, 2, signature.length);
    return footer;
  }

  private void sign(byte[] b, int off, int len) {
    if (signer != null) {
      signer.update(b, off, len);
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("the final frame has already been written");
    }
  }

  /** Zeroes the derived key and drops the cipher's copy of it. */
  @Override
  public void close() {
    keys.close();
    gcm.scrub();
  }
}

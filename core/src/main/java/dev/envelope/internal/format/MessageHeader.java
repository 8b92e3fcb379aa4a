package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.InvalidMessageException;
import dev.envelope.keyring.EncryptedDataKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The message header of format v2 (and, for decryption only, v1): the header body followed by the
 * header authentication. Immutable; keeps the exact body bytes because they are authenticated and
 * signed as written.
 *
 * <pre>
 * v2 body: version(1)=2 | suite(2) | message id(32) | aad length(2) | aad | edk count(2) | edks |
 *          content type(1)=2 | frame length(4) | suite data(32, the key commitment)
 * v2 auth: tag(16)                                  (IV is all zeros)
 * v1 body: version(1)=1 | type(1)=0x80 | suite(2) | message id(16) | aad length(2) | aad | edk count(2) |
 *          edks | content type(1) | reserved(4)=0 | iv length(1)=12 | frame length(4)
 * v1 auth: iv(12) | tag(16)
 * edk:     provider id length(2) | provider id | info length(2) | info | ciphertext length(2) | ciphertext
 * </pre>
 */
public final class MessageHeader {
  public static final int CONTENT_TYPE_NON_FRAMED = 1;
  public static final int CONTENT_TYPE_FRAMED = 2;
  public static final int V2_MESSAGE_ID_LENGTH = 32;
  public static final int V1_MESSAGE_ID_LENGTH = 16;
  public static final int COMMITMENT_LENGTH = 32;
  private static final int V1_TYPE_CUSTOMER_AED = 0x80;

  /**
   * Longest serialized context a header carries: the official Java SDK reads its length as signed
   * 16-bit.
   */
  public static final int MAX_INTEROPERABLE_CONTEXT_LENGTH = 0x7FFF;

  private final AlgorithmSuite suite;
  private final byte[] messageId;
  private final Map<String, String> encryptionContext;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final int contentType;
  private final int frameLength;
  private final byte[] commitment;
  private final byte[] body;
  private final byte[] headerIv;
  private final byte[] authTag;

  private MessageHeader(
      AlgorithmSuite suite,
      byte[] messageId,
      Map<String, String> encryptionContext,
      List<EncryptedDataKey> encryptedDataKeys,
      int contentType,
      int frameLength,
      byte[] commitment,
      byte[] body,
      byte[] headerIv,
      byte[] authTag) {
    this.suite = suite;
    this.messageId = messageId;
    this.encryptionContext = encryptionContext;
    this.encryptedDataKeys = encryptedDataKeys;
    this.contentType = contentType;
    this.frameLength = frameLength;
    this.commitment = commitment;
    this.body = body;
    this.headerIv = headerIv;
    this.authTag = authTag;
  }

  /**
   * Serializes a v2 header body for encryption; the auth tag is added with {@link #withAuthTag}.
   */
  static MessageHeader forEncryption(
      AlgorithmSuite suite,
      byte[] messageId,
      Map<String, String> context,
      List<EncryptedDataKey> encryptedDataKeys,
      int frameLength,
      byte[] commitment) {
    byte[] body =
        v2Body(
            suite,
            messageId,
            serializeContext(context),
            encryptedDataKeys,
            frameLength,
            commitment);
    return new MessageHeader(
        suite,
        messageId,
        context,
        List.copyOf(encryptedDataKeys),
        CONTENT_TYPE_FRAMED,
        frameLength,
        commitment,
        body,
        null,
        null);
  }

  /**
   * The context as a header stores it (the header's AAD field), refused if other AWS Encryption
   * SDKs could not read it.
   */
  static byte[] serializeContext(Map<String, String> context) {
    byte[] aad = EncryptionContextCodec.serialize(context);
    if (aad.length > MAX_INTEROPERABLE_CONTEXT_LENGTH) {
      throw new IllegalArgumentException(
          "encryption context serializes to "
              + aad.length
              + " bytes; other AWS"
              + " Encryption SDKs read at most "
              + MAX_INTEROPERABLE_CONTEXT_LENGTH);
    }
    return aad;
  }

  /**
   * A v2 header body, written straight into an array of its exact length.
   *
   * @param serializedContext from {@link #serializeContext}
   */
  static byte[] v2Body(
      AlgorithmSuite suite,
      byte[] messageId,
      byte[] serializedContext,
      List<EncryptedDataKey> encryptedDataKeys,
      int frameLength,
      byte[] commitment) {
    int count = encryptedDataKeys.size();
    if (count > 0xFFFF) {
      throw new IllegalArgumentException("more than 65535 encrypted data keys");
    }
    // Provider id, provider info and ciphertext of each data key, each at most 65535 bytes.
    byte[][] fields = new byte[3 * count][];
    int length =
        1 + 2 + messageId.length + 2 + serializedContext.length + 2 + 1 + 4 + commitment.length;
    for (int i = 0; i < count; i++) {
      EncryptedDataKey edk = encryptedDataKeys.get(i);
      length += 6;
      length +=
          checkedField(
              fields, 3 * i, edk.providerId().getBytes(StandardCharsets.UTF_8), "provider id");
      length += checkedField(fields, 3 * i + 1, edk.providerInfo(), "provider info");
      length += checkedField(fields, 3 * i + 2, edk.ciphertext(), "encrypted data key");
    }
    byte[] body = new byte[length];
    int p = 0;
    body[p++] = 2;
    p = putShort(body, p, suite.id());
    p = put(body, p, messageId);
    p = putShort(body, p, serializedContext.length);
    p = put(body, p, serializedContext);
    p = putShort(body, p, count);
    for (byte[] field : fields) {
      p = putShort(body, p, field.length);
      p = put(body, p, field);
    }
    body[p++] = (byte) CONTENT_TYPE_FRAMED;
    p = putShort(body, p, frameLength >>> 16);
    p = putShort(body, p, frameLength);
    p = put(body, p, commitment);
    if (p != length) {
      throw new IllegalStateException("header body length " + p + " != " + length);
    }
    return body;
  }

  /** Stores {@code field} at {@code fields[i]}; its length, if at most 65535 bytes. */
  private static int checkedField(byte[][] fields, int i, byte[] field, String what) {
    if (field.length > 0xFFFF) {
      throw new IllegalArgumentException(what + " longer than 65535 bytes");
    }
    fields[i] = field;
    return field.length;
  }

  private static int putShort(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
    return p + 2;
  }

  private static int put(byte[] b, int p, byte[] src) {
    System.arraycopy(src, 0, b, p, src.length);
    return p + src.length;
  }

  MessageHeader withAuthTag(byte[] tag) {
    return new MessageHeader(
        suite,
        messageId,
        encryptionContext,
        encryptedDataKeys,
        contentType,
        frameLength,
        commitment,
        body,
        headerIv,
        tag);
  }

  /**
   * Parses a header at the start of {@code buf[off, off+len)}.
   *
   * @return the header, or null if the bytes end before the header does (read more and call again)
   * @throws InvalidMessageException if the bytes cannot be a valid header or exceed a limit
   */
  public static MessageHeader parse(byte[] buf, int off, int len, DecryptionLimits limits) {
    Cursor in =
        new Cursor(
            buf,
            off,
            Math.min(len, limits.maxHeaderLength()),
            len > limits.maxHeaderLength(),
            limits.maxHeaderLength());
    try {
      return parse(in, limits);
    } catch (NeedMore e) {
      return null;
    }
  }

  private static MessageHeader parse(Cursor in, DecryptionLimits limits) {
    int version = in.u8();
    if (version != 1 && version != 2) {
      // Base64 of a version 1 or 2 header starts with "AY" or "Ag"; say so rather than "unknown
      // version".
      String hint = version == 'A' ? " (it looks Base64-encoded: decode it first)" : "";
      throw new InvalidMessageException(
          String.format(
              "not an Envelope / AWS Encryption SDK message: unknown version byte 0x%02X%s",
              version, hint));
    }
    if (version == 1 && in.u8() != V1_TYPE_CUSTOMER_AED) {
      throw new InvalidMessageException("unsupported message type in a version 1 header");
    }
    short suiteId = (short) in.u16();
    AlgorithmSuite suite =
        AlgorithmSuite.fromId(suiteId)
            .orElseThrow(
                () ->
                    new InvalidMessageException(
                        String.format("unknown algorithm suite 0x%04X", suiteId & 0xFFFF)));
    if (suite.messageFormatVersion() != version) {
      throw new InvalidMessageException(
          "algorithm suite " + suite + " does not belong in a version " + version + " header");
    }
    byte[] messageId = in.bytes(version == 2 ? V2_MESSAGE_ID_LENGTH : V1_MESSAGE_ID_LENGTH);
    int sectionStart = in.position();
    HeaderDataKeys remembered = HeaderDataKeys.lastReadAt(in.buf, sectionStart, in.end);
    Map<String, String> context = null;
    List<EncryptedDataKey> edks = null;
    int[] edkStarts = null;
    if (remembered != null) {
      // The same bytes as the last header this thread read, which parsed and validated: skip them.
      in.skip(remembered.length());
      checkEdkCount(remembered.size(), limits);
    } else {
      int aadLength = in.u16();
      int aadStart = in.position();
      in.skip(aadLength);
      context = EncryptionContextCodec.parse(in.buf, aadStart, aadLength);
      int edkCount = in.u16();
      checkEdkCount(edkCount, limits);
      edks = new ArrayList<>(edkCount);
      edkStarts = new int[edkCount];
      for (int i = 0; i < edkCount; i++) {
        edkStarts[i] = in.position() - in.start;
        String providerId = in.utf8(in.u16());
        byte[] info = in.bytes(in.u16());
        byte[] ciphertext = in.bytes(in.u16());
        edks.add(new EncryptedDataKey(providerId, info, ciphertext));
      }
    }
    int sectionEnd = in.position();
    int contentType = in.u8();
    if (contentType != CONTENT_TYPE_FRAMED && contentType != CONTENT_TYPE_NON_FRAMED) {
      throw new InvalidMessageException("unsupported content type " + contentType);
    }
    byte[] commitment = null;
    int frameLength;
    if (version == 1) {
      if (in.u32() != 0) {
        throw new InvalidMessageException("reserved header field is not zero");
      }
      int ivLength = in.u8();
      if (ivLength != AlgorithmSuite.IV_LENGTH) {
        throw new InvalidMessageException(
            "header IV length " + ivLength + " does not match the suite");
      }
      frameLength = in.i32();
    } else {
      frameLength = in.i32();
      commitment = in.bytes(COMMITMENT_LENGTH);
    }
    if (contentType == CONTENT_TYPE_FRAMED) {
      if (frameLength <= 0) {
        throw new InvalidMessageException(
            "framed message declares frame length " + Integer.toUnsignedString(frameLength));
      }
      if (frameLength > limits.maxFrameLength()) {
        throw new InvalidMessageException(
            "message declares frame length "
                + frameLength
                + "; the limit is "
                + limits.maxFrameLength()
                + " (raise maxFrameLength if this is expected)");
      }
    } else if (frameLength != 0) {
      throw new InvalidMessageException("non-framed message declares a frame length");
    }
    byte[] body = in.copyFrom(in.start);
    byte[] headerIv = version == 1 ? in.bytes(AlgorithmSuite.IV_LENGTH) : null;
    byte[] tag = in.bytes(AlgorithmSuite.TAG_LENGTH);
    HeaderDataKeys section =
        remembered != null
            ? remembered
            : HeaderDataKeys.read(
                context, edks, body, sectionStart - in.start, edkStarts, sectionEnd - in.start);
    return new MessageHeader(
        suite,
        messageId,
        section.encryptionContext(),
        section,
        contentType,
        frameLength,
        commitment,
        body,
        headerIv,
        tag);
  }

  private static void checkEdkCount(int edkCount, DecryptionLimits limits) {
    if (edkCount == 0) {
      throw new InvalidMessageException("message has no encrypted data keys");
    }
    if (edkCount > limits.maxEncryptedDataKeys()) {
      throw new InvalidMessageException(
          "message has "
              + edkCount
              + " encrypted data keys; the limit is "
              + limits.maxEncryptedDataKeys()
              + " (raise maxEncryptedDataKeys if this is expected)");
    }
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  public int version() {
    return suite.messageFormatVersion();
  }

  public byte[] messageId() {
    return messageId.clone();
  }

  byte[] messageIdUnsafe() {
    return messageId;
  }

  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  public int contentType() {
    return contentType;
  }

  /** The frame length; 0 for legacy non-framed messages. */
  public int frameLength() {
    return frameLength;
  }

  byte[] commitmentUnsafe() {
    return commitment;
  }

  byte[] bodyUnsafe() {
    return body;
  }

  byte[] headerIvUnsafe() {
    return headerIv;
  }

  byte[] authTagUnsafe() {
    return authTag;
  }

  /** Length in bytes of the whole header, body and authentication. */
  public int length() {
    return body.length + (headerIv == null ? 0 : headerIv.length) + authTag.length;
  }

  /** The whole header as it appears on the wire. */
  public byte[] toByteArray() {
    ByteBuffer out = ByteBuffer.allocate(length());
    out.put(body);
    if (headerIv != null) {
      out.put(headerIv);
    }
    out.put(authTag);
    return out.array();
  }

  /** Signals that the buffer ended inside the header. */
  private static final class NeedMore extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final NeedMore INSTANCE = new NeedMore();

    private NeedMore() {
      super(null, null, false, false);
    }
  }

  /**
   * Bounds-checked reads over a byte range; running out means "need more" unless a limit was hit.
   */
  private static final class Cursor {
    final byte[] buf;
    final int start;
    final int end;
    final boolean moreExistsBeyondLimit;
    final int maxHeaderLength;
    int pos;

    Cursor(byte[] buf, int off, int len, boolean moreExistsBeyondLimit, int maxHeaderLength) {
      this.buf = buf;
      this.start = off;
      this.pos = off;
      this.end = off + len;
      this.moreExistsBeyondLimit = moreExistsBeyondLimit;
      this.maxHeaderLength = maxHeaderLength;
    }

    int position() {
      return pos;
    }

    void require(int n) {
      if (n > end - pos) {
        if (moreExistsBeyondLimit || (long) pos - start + n > maxHeaderLength) {
          throw new InvalidMessageException(
              "message header is longer than the limit of " + maxHeaderLength + " bytes");
        }
        throw NeedMore.INSTANCE;
      }
    }

    int u8() {
      require(1);
      return buf[pos++] & 0xFF;
    }

    int u16() {
      require(2);
      int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    int i32() {
      require(4);
      int v =
          ((buf[pos] & 0xFF) << 24)
              | ((buf[pos + 1] & 0xFF) << 16)
              | ((buf[pos + 2] & 0xFF) << 8)
              | (buf[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    long u32() {
      return Integer.toUnsignedLong(i32());
    }

    void skip(int n) {
      require(n);
      pos += n;
    }

    byte[] bytes(int n) {
      require(n);
      byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return out;
    }

    String utf8(int n) {
      require(n);
      String s = EncryptionContextCodec.decodeUtf8(ByteBuffer.wrap(buf, pos, n), "provider id");
      pos += n;
      return s;
    }

    byte[] copyFrom(int from) {
      return java.util.Arrays.copyOfRange(buf, from, pos);
    }
  }
}

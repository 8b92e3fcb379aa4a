package dev.envelope.internal.format;

import java.nio.charset.StandardCharsets;

/**
 * The AAD of each body frame: message id || content string || sequence number (4) || content length
 * (8), and the frame IV: the sequence number, big-endian, padded on the left to 12 bytes. Reuses
 * two buffers per message; not thread-safe.
 */
final class BodyAad {
  static final byte[] FRAME = "AWSKMSEncryptionClient Frame".getBytes(StandardCharsets.UTF_8);
  static final byte[] FINAL_FRAME =
      "AWSKMSEncryptionClient Final Frame".getBytes(StandardCharsets.UTF_8);
  static final byte[] SINGLE_BLOCK =
      "AWSKMSEncryptionClient Single Block".getBytes(StandardCharsets.UTF_8);

  private final byte[] messageId;
  // Built on first use: a one-frame record never needs the regular frame's AAD, nor any framed
  // message
  // the single block's.
  private byte[] regular;
  private byte[] fin;
  private byte[] single;
  private final byte[] iv = new byte[12];

  BodyAad(byte[] messageId) {
    this.messageId = messageId;
  }

  private byte[] prefix(byte[] content) {
    byte[] out = new byte[messageId.length + content.length + 12];
    System.arraycopy(messageId, 0, out, 0, messageId.length);
    System.arraycopy(content, 0, out, messageId.length, content.length);
    return out;
  }

  /** The AAD for a frame; valid until the next call. */
  byte[] aad(FrameKind kind, long sequenceNumber, long contentLength) {
    byte[] out =
        switch (kind) {
          case REGULAR -> regular != null ? regular : (regular = prefix(FRAME));
          case FINAL -> fin != null ? fin : (fin = prefix(FINAL_FRAME));
          case SINGLE_BLOCK -> single != null ? single : (single = prefix(SINGLE_BLOCK));
        };
    int p = out.length - 12;
    writeInt(out, p, (int) sequenceNumber);
    writeLong(out, p + 4, contentLength);
    return out;
  }

  /** The IV for a frame; valid until the next call. */
  byte[] iv(long sequenceNumber) {
    writeInt(iv, 8, (int) sequenceNumber);
    return iv;
  }

  static void writeInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }

  static void writeLong(byte[] b, int p, long v) {
    writeInt(b, p, (int) (v >>> 32));
    writeInt(b, p + 4, (int) v);
  }

  static int readInt(byte[] b, int p) {
    return ((b[p] & 0xFF) << 24)
        | ((b[p + 1] & 0xFF) << 16)
        | ((b[p + 2] & 0xFF) << 8)
        | (b[p + 3] & 0xFF);
  }

  static long readLong(byte[] b, int p) {
    return ((long) readInt(b, p) << 32) | (readInt(b, p + 4) & 0xFFFFFFFFL);
  }

  enum FrameKind {
    REGULAR,
    FINAL,
    SINGLE_BLOCK
  }
}

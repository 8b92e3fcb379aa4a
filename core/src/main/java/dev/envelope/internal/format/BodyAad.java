package dev.envelope.internal.format;

import dev.envelope.internal.bytes.BigEndian;
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
  // message the single block's.
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
    BigEndian.writeInt(out, p, (int) sequenceNumber);
    BigEndian.writeLong(out, p + 4, contentLength);
    return out;
  }

  /** The IV for a frame; valid until the next call. */
  byte[] iv(long sequenceNumber) {
    BigEndian.writeInt(iv, 8, (int) sequenceNumber);
    return iv;
  }

  enum FrameKind {
    REGULAR,
    FINAL,
    SINGLE_BLOCK
  }
}

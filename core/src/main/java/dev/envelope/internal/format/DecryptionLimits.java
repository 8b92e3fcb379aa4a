package dev.envelope.internal.format;

/**
 * Bounds applied to untrusted messages before anything they declare is allocated.
 *
 * @param maxEncryptedDataKeys more encrypted data keys than this is refused (each may cost a KMS call)
 * @param maxHeaderLength a header longer than this is refused
 * @param maxFrameLength a declared frame length above this is refused; it bounds stream buffers
 */
public record DecryptionLimits(int maxEncryptedDataKeys, int maxHeaderLength, int maxFrameLength) {
  /** Largest frame length a limit may allow: a frame with its framing fields and tag still fits an int. */
  public static final int MAX_FRAME_LENGTH = Integer.MAX_VALUE - 64;

  public DecryptionLimits {
    if (maxEncryptedDataKeys < 1 || maxHeaderLength < 64 || maxFrameLength < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxFrameLength > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("maxFrameLength must be at most " + MAX_FRAME_LENGTH);
    }
  }
}

package dev.envelope.internal.format;

/**
 * Bounds applied to untrusted messages before anything they declare is allocated.
 *
 * @param maxEncryptedDataKeys more encrypted data keys than this is refused (each may cost a KMS call)
 * @param maxHeaderLength a header longer than this is refused
 * @param maxFrameLength a declared frame length above this is refused; it bounds stream buffers
 */
public record DecryptionLimits(int maxEncryptedDataKeys, int maxHeaderLength, int maxFrameLength) {
  public DecryptionLimits {
    if (maxEncryptedDataKeys < 1 || maxHeaderLength < 64 || maxFrameLength < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}

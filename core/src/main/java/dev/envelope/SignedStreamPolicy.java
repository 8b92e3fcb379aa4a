package dev.envelope;

/**
 * What a decrypting stream does with messages of a signed suite, whose signature can only be
 * checked after the last frame.
 *
 * <p>Every frame of every message is authenticated with AES-GCM before any of its plaintext is
 * released, so nobody without the data key can alter a frame unnoticed. The signature adds
 * protection against those who can decrypt (and so could forge a GCM-valid message); that check
 * completes only at the end.
 */
public enum SignedStreamPolicy {
  /**
   * Release each frame once its GCM tag verified; the final frame is released only after the
   * signature verified, and a bad signature fails the last {@code read}. Constant memory. Callers
   * must treat the plaintext as provisional until the stream reports end of input. The default, as
   * in the AWS Encryption SDK.
   */
  RELEASE_AUTHENTICATED_FRAMES,
  /**
   * Hold all plaintext until the signature verified, up to the builder's {@code
   * maxSignedStreamBuffer} bytes; a longer message fails with {@link InvalidMessageException}.
   */
  BUFFER_UNTIL_VERIFIED,
  /** Refuse signed messages on streams: decrypt them one-shot instead. */
  REFUSE
}

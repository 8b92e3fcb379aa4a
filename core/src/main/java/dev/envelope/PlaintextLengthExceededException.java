package dev.envelope;

/**
 * An encrypting stream opened with an expected length was given more plaintext than it declared.
 * The declared length is what a data-key cache reserved against its byte bound, so the stream
 * refuses the excess: nothing of the refused write is encrypted, the stream accepts no more writes,
 * and {@code close()} leaves the message without its final frame, so it never decrypts as complete.
 */
public class PlaintextLengthExceededException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  private final long declaredLength;

  public PlaintextLengthExceededException(long declaredLength, long attemptedLength) {
    super(
        "the encrypting stream was opened for at most "
            + declaredLength
            + " plaintext bytes and was given "
            + attemptedLength
            + "; the message is left incomplete and will not decrypt. Open the stream with the"
            + " plaintext's real length, or without a length (which bypasses the data-key cache)");
    this.declaredLength = declaredLength;
  }

  /** The expected length the stream was opened with. */
  public long declaredLength() {
    return declaredLength;
  }
}

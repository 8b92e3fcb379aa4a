package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.keyring.EncryptedDataKey;
import java.util.List;
import java.util.Map;

/**
 * The last v2 header body this thread serialized, with zeros where the message id and the key
 * commitment go: messages written with the same (cached) materials share everything else, so the
 * record path copies this template instead of serializing the context and the encrypted data keys
 * again.
 *
 * <p>A template is reused only for the very same context map and data-key list objects (identity,
 * not equality: both are immutable in {@code EncryptionMaterials}, and holding them here keeps
 * their identity from being reused), the same suite and frame length. When only the data keys
 * differ (uncached materials: a new data key per message, the caller's context each time), the
 * serialized context is reused and the new body written around it. Nothing in it is secret: the
 * context and the encrypted data keys are stored in every header in the clear. One entry per
 * thread, so no locking.
 */
final class HeaderTemplate {
  /** Where the message id starts in a v2 header body: after the version byte and the suite id. */
  static final int MESSAGE_ID_OFFSET = 3;

  private static final ThreadLocal<HeaderTemplate> LAST = new ThreadLocal<>();

  private final AlgorithmSuite suite;
  private final Map<String, String> context;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final int frameLength;
  private final byte[] serializedContext;
  private final byte[] body;

  private static final byte[] ZERO_MESSAGE_ID = new byte[MessageHeader.V2_MESSAGE_ID_LENGTH];
  private static final byte[] ZERO_COMMITMENT = new byte[MessageHeader.COMMITMENT_LENGTH];

  private HeaderTemplate(
      AlgorithmSuite suite,
      Map<String, String> context,
      List<EncryptedDataKey> encryptedDataKeys,
      int frameLength,
      byte[] serializedContext,
      byte[] body) {
    this.suite = suite;
    this.context = context;
    this.encryptedDataKeys = encryptedDataKeys;
    this.frameLength = frameLength;
    this.serializedContext = serializedContext;
    this.body = body;
  }

  /**
   * The header body for these fields with a zero message id and commitment; callers copy it before
   * filling those in.
   *
   * @throws IllegalArgumentException as {@link MessageHeader#forEncryption} does
   */
  static byte[] body(
      AlgorithmSuite suite,
      Map<String, String> context,
      List<EncryptedDataKey> encryptedDataKeys,
      int frameLength) {
    HeaderTemplate last = LAST.get();
    if (last != null
        && last.suite == suite
        && last.context == context
        && last.encryptedDataKeys == encryptedDataKeys
        && last.frameLength == frameLength) {
      return last.body;
    }
    byte[] serializedContext =
        last != null && last.context == context
            ? last.serializedContext
            : MessageHeader.serializeContext(context);
    byte[] body =
        MessageHeader.v2Body(
            suite,
            ZERO_MESSAGE_ID,
            serializedContext,
            encryptedDataKeys,
            frameLength,
            ZERO_COMMITMENT);
    LAST.set(
        new HeaderTemplate(
            suite, context, encryptedDataKeys, frameLength, serializedContext, body));
    return body;
  }
}

package dev.envelope.stream;

import dev.envelope.SignedStreamPolicy;
import dev.envelope.internal.format.MessageDecryptor;
import dev.envelope.internal.format.MessageEncryptor;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.format.StreamConstruction;
import dev.envelope.keyring.EncryptionMaterials;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Gives {@code Envelope}, through {@link StreamConstruction}, the streams' package-private
 * constructors.
 */
final class StreamFactory implements StreamConstruction.Factory {
  @Override
  public DecryptingInputStream decrypting(
      MessageReader reader,
      InputStream source,
      Function<MessageHeader, MessageDecryptor> opener,
      SignedStreamPolicy signedPolicy,
      long maxSignedBuffer,
      LongConsumer onComplete) {
    return new DecryptingInputStream(
        reader, source, opener, signedPolicy, maxSignedBuffer, onComplete);
  }

  @Override
  public EncryptingOutputStream encrypting(
      OutputStream sink,
      MessageEncryptor encryptor,
      EncryptionMaterials materials,
      LongConsumer onComplete,
      long maxPlaintextLength) {
    return new EncryptingOutputStream(sink, encryptor, materials, onComplete, maxPlaintextLength);
  }
}

package dev.envelope.internal.format;

import dev.envelope.SignedStreamPolicy;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.stream.DecryptingInputStream;
import dev.envelope.stream.EncryptingOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * How {@code Envelope} creates the public stream classes, whose constructors take internal types
 * and so are not public: the stream package registers a factory here when its classes are
 * initialised, and {@link #factory()} makes sure they are (the JDK's "shared secrets" idiom). No
 * public signature of an API package names an internal type this way. Not API.
 */
public final class StreamConstruction {
  /** Implemented in {@code dev.envelope.stream}, over the streams' package-private constructors. */
  public interface Factory {
    /**
     * A stream over {@code reader}, which reads {@code source}; see {@link DecryptingInputStream}.
     */
    DecryptingInputStream decrypting(
        MessageReader reader,
        InputStream source,
        Function<MessageHeader, MessageDecryptor> opener,
        SignedStreamPolicy signedPolicy,
        long maxSignedBuffer,
        LongConsumer onComplete);

    /**
     * A stream that owns {@code encryptor} and {@code materials} and accepts at most {@code
     * maxPlaintextLength} bytes ({@code Long.MAX_VALUE}: no bound); see {@link
     * EncryptingOutputStream}.
     */
    EncryptingOutputStream encrypting(
        OutputStream sink,
        MessageEncryptor encryptor,
        EncryptionMaterials materials,
        LongConsumer onComplete,
        long maxPlaintextLength);
  }

  private static volatile Factory factory;

  private StreamConstruction() {}

  /** Called once, by the stream package's class initialisation. */
  public static synchronized void register(Factory streams) {
    if (factory != null) {
      throw new IllegalStateException("stream factory already registered");
    }
    factory = Objects.requireNonNull(streams, "streams");
  }

  /** The stream package's factory, initialising that package's classes first if needed. */
  public static Factory factory() {
    Factory f = factory;
    if (f == null) {
      try {
        Class.forName(
            DecryptingInputStream.class.getName(),
            true,
            DecryptingInputStream.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("stream classes missing", e);
      }
      f = factory;
      if (f == null) {
        throw new IllegalStateException("the stream package did not register its factory");
      }
    }
    return f;
  }
}

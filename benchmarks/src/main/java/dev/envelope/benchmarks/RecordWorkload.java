package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import java.util.Arrays;

/**
 * What the record benchmarks measure: one implementation's codec, one record and that record's
 * message, checked to round-trip before anything is timed.
 */
final class RecordWorkload {
  private final RecordCodec codec;
  private final byte[] plaintext;
  private final byte[] message;

  RecordWorkload(String impl, AlgorithmSuite suite, boolean cached, int size) {
    codec = RecordCodec.create(impl, suite, cached);
    plaintext = Fixtures.randomBytes(size);
    message = codec.encrypt(plaintext);
    if (!Arrays.equals(codec.decrypt(message), plaintext)) {
      throw new IllegalStateException(impl + " does not round-trip");
    }
  }

  byte[] encrypt() {
    return codec.encrypt(plaintext);
  }

  byte[] decrypt() {
    return codec.decrypt(message);
  }
}

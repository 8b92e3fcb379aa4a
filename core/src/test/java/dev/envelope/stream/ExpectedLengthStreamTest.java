package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.InvalidMessageException;
import dev.envelope.PlaintextLengthExceededException;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypting streams opened with an expected length: they write ordinary messages up to that
 * length, and refuse more without ever producing a message that decrypts as complete.
 */
class ExpectedLengthStreamTest {
  private static final Map<String, String> CONTEXT = Map.of("file", "small.csv");
  private static final int FRAME = 100;
  private static final RawAesKeyring KEYRING;

  static {
    byte[] key = new byte[32];
    new Random(15).nextBytes(key);
    KEYRING = RawAesKeyring.builder().keyNamespace("ns").keyName("len").wrappingKey(key).build();
  }

  private static Envelope envelope(AlgorithmSuite suite) {
    return Envelope.builder().keyring(KEYRING).algorithmSuite(suite).frameSize(FRAME).build();
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 99, 100, 101, 250, 300})
  void upToTheDeclaredLengthTheMessageIsOrdinary(int length) throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] plaintext = data(length);
    ByteArrayOutputStream exact = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(exact, CONTEXT, length)) {
      out.write(plaintext);
    }
    assertThat(envelope.decrypt(exact.toByteArray(), CONTEXT).plaintext()).isEqualTo(plaintext);
    // Fewer bytes than declared: the declaration is an upper bound.
    ByteArrayOutputStream fewer = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(fewer, CONTEXT, length + 1000L)) {
      out.write(plaintext);
    }
    assertThat(envelope.decrypt(fewer.toByteArray(), CONTEXT).plaintext()).isEqualTo(plaintext);
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void writingPastTheDeclaredLengthFailsAndTheMessageNeverDecrypts(AlgorithmSuite suite)
      throws IOException {
    Envelope envelope = envelope(suite);
    byte[] plaintext = data(250);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    EncryptingOutputStream out = envelope.encryptingStream(sink, CONTEXT, 200);
    out.write(plaintext, 0, 150);
    int before = sink.size();
    assertThatThrownBy(() -> out.write(plaintext, 150, 100))
        .isInstanceOf(PlaintextLengthExceededException.class)
        .hasMessageContaining("at most 200 plaintext bytes")
        .hasMessageContaining("given 250")
        .satisfies(
            e ->
                assertThat(((PlaintextLengthExceededException) e).declaredLength()).isEqualTo(200));
    // Nothing of the refused write was encrypted (the pending 50 bytes of frame 2 never go out).
    assertThat(sink.size()).isEqualTo(before);
    assertThat(out.plaintextLength()).isEqualTo(100);
    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    out.close();
    byte[] message = sink.toByteArray();
    assertThatThrownBy(() -> envelope.decrypt(message, CONTEXT))
        .isInstanceOf(InvalidMessageException.class);
    assertNoCompleteStreamDecryption(envelope, message);
  }

  @Test
  void singleByteWritesStopAtTheDeclaredLength() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    EncryptingOutputStream out = envelope.encryptingStream(sink, CONTEXT, 130);
    for (int i = 0; i < 130; i++) {
      out.write(i);
    }
    assertThatThrownBy(() -> out.write(130)).isInstanceOf(PlaintextLengthExceededException.class);
    out.close();
    assertThatThrownBy(() -> envelope.decrypt(sink.toByteArray(), CONTEXT))
        .isInstanceOf(InvalidMessageException.class);
    assertNoCompleteStreamDecryption(envelope, sink.toByteArray());
  }

  @Test
  void anExactlyFullStreamStillTakesAnEmptyWrite() throws IOException {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, CONTEXT, 200)) {
      out.write(data(200));
      out.write(new byte[0]);
    }
    assertThat(envelope.decrypt(sink.toByteArray(), CONTEXT).plaintext()).isEqualTo(data(200));
  }

  @Test
  void negativeLengthIsRefusedBeforeAnyKeyIsFetched() {
    Envelope envelope = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    assertThatThrownBy(() -> envelope.encryptingStream(new ByteArrayOutputStream(), CONTEXT, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A decrypting stream gives at most the authenticated frames, then fails: never a clean end. */
  private static void assertNoCompleteStreamDecryption(Envelope envelope, byte[] message) {
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  envelope.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
                byte[] all = in.readAllBytes();
                // Reaching here would mean a clean end of stream: the test must fail.
                throw new AssertionError("decrypted as complete: " + Arrays.hashCode(all));
              }
            })
        .isInstanceOf(InvalidMessageException.class);
  }
}

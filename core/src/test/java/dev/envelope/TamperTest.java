package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.envelope.keyring.RawAesKeyring;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every alteration of a message fails with an {@link EnvelopeException} subtype and never returns
 * data: single-byte flips anywhere, truncation at every length, frames swapped between messages or
 * reordered, appended bytes, and a different expected context.
 */
class TamperTest {
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "table", "orders");

  private static Envelope envelope(AlgorithmSuite suite) {
    byte[] key = new byte[32];
    new Random(11).nextBytes(key);
    return Envelope.builder()
        .keyring(RawAesKeyring.builder().keyNamespace("ns").keyName("k").wrappingKey(key).build())
        .algorithmSuite(suite)
        .frameSize(64)
        .build();
  }

  private static byte[] plaintext(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static void assertRejected(Envelope envelope, byte[] tampered, String what) {
    try {
      DecryptResult result = envelope.decrypt(tampered);
      fail(what + " was accepted and returned " + result.plaintext().length + " bytes");
    } catch (EnvelopeException expected) {
      assertThat(expected.getMessage()).as(what).isNotBlank();
    } catch (RuntimeException other) {
      fail(what + " threw an undeclared " + other, other);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void everySingleByteFlipIsRejected(AlgorithmSuite suite) {
    Envelope envelope = envelope(suite);
    byte[] message = envelope.encrypt(plaintext(200), CONTEXT);
    assertThat(envelope.decrypt(message, CONTEXT).plaintext()).isEqualTo(plaintext(200));
    for (int i = 0; i < message.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] tampered = message.clone();
        tampered[i] ^= (byte) bit;
        assertRejected(
            envelope, tampered, "flip of bit " + bit + " at byte " + i + " of " + message.length);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void everyTruncationAndExtensionIsRejected(AlgorithmSuite suite) {
    Envelope envelope = envelope(suite);
    byte[] message = envelope.encrypt(plaintext(200), CONTEXT);
    for (int length = 0; length < message.length; length++) {
      assertRejected(envelope, Arrays.copyOf(message, length), "truncation to " + length);
    }
    assertRejected(envelope, Arrays.copyOf(message, message.length + 1), "one appended zero byte");
    byte[] doubled = Arrays.copyOf(message, message.length * 2);
    System.arraycopy(message, 0, doubled, message.length, message.length);
    assertRejected(envelope, doubled, "message followed by itself");
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void framesSwappedBetweenMessagesOrReorderedAreRejected(AlgorithmSuite suite) {
    Envelope envelope = envelope(suite);
    byte[] a = envelope.encrypt(plaintext(200), CONTEXT);
    byte[] b = envelope.encrypt(plaintext(200), CONTEXT);
    int headerA = headerLength(envelope, a);
    int headerB = headerLength(envelope, b);
    int frame = 4 + 12 + 64 + 16;
    // Same layout, different messages: splice frame 2 of b into a.
    byte[] spliced = a.clone();
    System.arraycopy(b, headerB + frame, spliced, headerA + frame, frame);
    assertRejected(envelope, spliced, "frame 2 taken from another message");
    // Swap frames 1 and 2 within one message.
    byte[] swapped = a.clone();
    System.arraycopy(a, headerA, swapped, headerA + frame, frame);
    System.arraycopy(a, headerA + frame, swapped, headerA, frame);
    assertRejected(envelope, swapped, "frames 1 and 2 swapped");
    // Drop frame 2 (the final frame then carries the wrong sequence number).
    byte[] dropped = new byte[a.length - frame];
    System.arraycopy(a, 0, dropped, 0, headerA + frame);
    System.arraycopy(
        a, headerA + 2 * frame, dropped, headerA + frame, a.length - headerA - 2 * frame);
    assertRejected(envelope, dropped, "frame 2 removed");
    // Header of b with the body of a.
    byte[] mixed = new byte[headerB + a.length - headerA];
    System.arraycopy(b, 0, mixed, 0, headerB);
    System.arraycopy(a, headerA, mixed, headerB, a.length - headerA);
    assertRejected(envelope, mixed, "header of one message, body of another");
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void wrongExpectedContextIsRejectedNamingKeysNotValues(AlgorithmSuite suite) {
    Envelope envelope = envelope(suite);
    byte[] message = envelope.encrypt(plaintext(10), CONTEXT);
    assertThatThrownBy(
            () ->
                envelope.decrypt(
                    message, Map.of("tenant", "globex-secret-value", "table", "orders")))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .hasMessageContaining("tenant")
        .hasMessageNotContaining("globex-secret-value")
        .hasMessageNotContaining("acme")
        .satisfies(
            e ->
                assertThat(((EncryptionContextMismatchException) e).differingKeys())
                    .containsExactly("tenant"));
    assertThatThrownBy(() -> envelope.decrypt(message, Map.of("tenant", "acme")))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .satisfies(
            e ->
                assertThat(((EncryptionContextMismatchException) e).differingKeys())
                    .containsExactly("table"));
    assertThatThrownBy(
            () ->
                envelope.decrypt(
                    message, Map.of("tenant", "acme", "table", "orders", "extra", "x")))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .satisfies(
            e ->
                assertThat(((EncryptionContextMismatchException) e).differingKeys())
                    .containsExactly("extra"));
  }

  private static int headerLength(Envelope envelope, byte[] message) {
    return dev.envelope.internal.format.MessageHeader.parse(
            message,
            0,
            message.length,
            new dev.envelope.internal.format.DecryptionLimits(10, 1 << 20, 1 << 24))
        .length();
  }
}

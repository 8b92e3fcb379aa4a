package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.envelope.keyring.RawAesKeyring;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Coverage-guided fuzzing of {@link Envelope#decrypt}: arbitrary bytes, and valid messages with
 * fuzzed edits (byte changes, truncation, insertion). Only {@link EnvelopeException} subtypes may
 * escape, and an altered message must never decrypt.
 *
 * <p>CI runs it in fuzzing mode for a bounded time ({@code jazzer.max.duration}); without {@code
 * JAZZER_FUZZ=1} JUnit runs it once per seed as a regression test.
 */
class DecryptFuzzTest {
  private static final Envelope ENVELOPE;
  private static final Envelope SIGNED;
  private static final byte[] PLAINTEXT = new byte[300];
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");
  private static final byte[][] VALID;

  static {
    byte[] key = new byte[32];
    new Random(5).nextBytes(key);
    new Random(6).nextBytes(PLAINTEXT);
    RawAesKeyring keyring =
        RawAesKeyring.builder().keyNamespace("fuzz").keyName("k").wrappingKey(key).build();
    ENVELOPE = Envelope.builder().keyring(keyring).frameSize(128).maxFrameSize(1 << 16).build();
    SIGNED =
        Envelope.builder()
            .keyring(keyring)
            .frameSize(128)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    VALID = new byte[][] {ENVELOPE.encrypt(PLAINTEXT, CONTEXT), SIGNED.encrypt(PLAINTEXT, CONTEXT)};
  }

  @FuzzTest(maxDuration = "30s")
  void decryptOnlyFailsWithDeclaredExceptions(FuzzedDataProvider data) {
    int mode = data.consumeInt(0, 2);
    byte[] message;
    if (mode == 0) {
      message = data.consumeRemainingAsBytes();
    } else {
      byte[] original = VALID[mode - 1];
      message = original.clone();
      int edits = data.consumeInt(0, 4);
      for (int i = 0; i < edits; i++) {
        switch (data.consumeInt(0, 2)) {
          case 0 -> {
            int at = data.consumeInt(0, message.length - 1);
            message[at] = data.consumeByte();
          }
          case 1 -> message = Arrays.copyOf(message, data.consumeInt(0, message.length));
          default -> {
            int at = data.consumeInt(0, message.length);
            byte[] insert = data.consumeBytes(8);
            byte[] grown = new byte[message.length + insert.length];
            System.arraycopy(message, 0, grown, 0, at);
            System.arraycopy(insert, 0, grown, at, insert.length);
            System.arraycopy(message, at, grown, at + insert.length, message.length - at);
            message = grown;
          }
        }
        if (message.length == 0) {
          break;
        }
      }
      if (Arrays.equals(message, original)) {
        assertThat(ENVELOPE.decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
        return;
      }
    }
    try {
      DecryptResult result = ENVELOPE.decrypt(message);
      if (mode != 0) {
        throw new AssertionError(
            "an altered message decrypted to " + result.plaintext().length + " bytes");
      }
    } catch (EnvelopeException expected) {
      // Declared failure: malformed, tampered, over a limit, or no usable data key.
    }
  }
}

package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end of a message is judged the same way by one-shot decryption and by decrypting streams,
 * which share one driver: no plaintext and the same refusal for a missing or cut signature and for
 * bytes after the end.
 */
class TerminationRulesTest {
  private static final Map<String, String> CONTEXT = Map.of("k", "v");
  private static final Envelope SIGNED =
      Envelope.builder()
          .keyring(
              RawAesKeyring.builder()
                  .keyNamespace("ns")
                  .keyName("end")
                  .wrappingKey(new byte[32])
                  .build())
          .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
          .frameSize(64)
          .build();
  private static final byte[] MESSAGE = SIGNED.encrypt(new byte[300], CONTEXT);

  private static Throwable oneShot(byte[] message) {
    return catchThrowable(() -> SIGNED.decrypt(message, CONTEXT));
  }

  private static Throwable streamed(byte[] message) {
    return catchThrowable(
        () -> {
          try (InputStream in =
              SIGNED.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
            in.readAllBytes();
          }
        });
  }

  private static void bothRefuse(byte[] message, String because) {
    Throwable a = oneShot(message);
    Throwable b = streamed(message);
    assertThat(a).isInstanceOf(InvalidMessageException.class).hasMessageContaining(because);
    assertThat(b).isInstanceOf(InvalidMessageException.class).hasMessageContaining(because);
  }

  @Test
  void bytesAfterTheSignatureAreRefusedByBoth() {
    byte[] longer = Arrays.copyOf(MESSAGE, MESSAGE.length + 1);
    bothRefuse(longer, "after the end of the message");
    assertThat(oneShot(longer)).hasMessageContaining("1 unexpected trailing bytes");
  }

  @Test
  void aMissingOrCutSignatureIsRefusedByBoth() {
    int footerStart = findFooterStart();
    bothRefuse(Arrays.copyOf(MESSAGE, footerStart), "signature footer is missing");
    bothRefuse(Arrays.copyOf(MESSAGE, footerStart + 1), "signature footer is missing");
    bothRefuse(Arrays.copyOf(MESSAGE, MESSAGE.length - 1), "inside its signature footer");
  }

  @Test
  void theIntactMessageDecryptsBothWays() {
    assertThat(oneShot(MESSAGE)).isNull();
    assertThat(streamed(MESSAGE)).isNull();
  }

  /**
   * Where the footer starts: its 2-byte length field, then a DER signature (0x30...) up to the end.
   */
  private static int findFooterStart() {
    for (int start = MESSAGE.length - 2 - 110; start < MESSAGE.length - 2; start++) {
      int len = ((MESSAGE[start] & 0xFF) << 8) | (MESSAGE[start + 1] & 0xFF);
      if (start + 2 + len == MESSAGE.length && MESSAGE[start + 2] == 0x30) {
        return start;
      }
    }
    throw new AssertionError("no footer found");
  }
}

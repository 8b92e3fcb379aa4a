package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.keyring.EncryptionMaterials;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageEncryptorTest {
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  @Test
  void aHeaderThatCannotBeWrittenLeavesTheDerivedKeyZeroed() {
    // 2 x 20,000 bytes of context: more than the 32,767 a header carries. A materials manager can
    // hand out such materials; the encryptor must fail without leaving its derived key behind.
    Map<String, String> context = Map.of("a", "x".repeat(20_000), "b", "y".repeat(20_000));
    try (EncryptionMaterials materials =
        MessageForge.KEYRING.onEncrypt(EncryptionMaterials.of(SUITE, context, null))) {
      byte[] messageId = new byte[MessageHeader.V2_MESSAGE_ID_LENGTH];
      MessageKeys keys = MessageKeys.derive(SUITE, materials.dataKey().bytes(), messageId);
      assertThat(keys.key().isDestroyed()).isFalse();
      assertThatThrownBy(() -> new MessageEncryptor(materials, 4096, new AesGcm(), messageId, keys))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("32767");
      assertThat(keys.key().isDestroyed()).isTrue();
    }
  }
}

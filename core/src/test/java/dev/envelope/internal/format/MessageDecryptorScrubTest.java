package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.InvalidMessageException;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.CipherMemory;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.materials.DecryptionRequest;
import dev.envelope.materials.DefaultMaterialsManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs in the {@code jdk-internals} surefire execution: it looks inside the JDK's cipher. */
class MessageDecryptorScrubTest {
  private static final DecryptionLimits LIMITS = new DecryptionLimits(10, 1 << 20, 1 << 20);

  @Test
  void aHeaderThatFailsAuthenticationLeavesNoCopyOfTheMessageKeyInTheCipher() {
    byte[] message =
        Envelope.builder()
            .keyring(MessageForge.KEYRING)
            .build()
            .encrypt(new byte[100], Map.of("tenant", "acme"));
    MessageHeader good = MessageHeader.parse(message, 0, message.length, LIMITS);
    message[good.length() - 1] ^= 1; // the header's authentication tag: commitment still matches
    MessageHeader header = MessageHeader.parse(message, 0, message.length, LIMITS);
    DecryptionMaterials materials =
        new DefaultMaterialsManager(MessageForge.KEYRING)
            .decryptMaterials(
                new DecryptionRequest(
                    header.suite(), header.encryptedDataKeys(), header.encryptionContext()));
    byte[] messageKey;
    try (MessageKeys keys =
        MessageKeys.derive(header.suite(), materials.dataKey().bytes(), header.messageIdUnsafe())) {
      messageKey = keys.key().getEncoded();
    }
    AesGcm gcm = new AesGcm();

    assertThatThrownBy(() -> new MessageDecryptor(header, materials, gcm))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("header authentication failed");

    assertThat(CipherMemory.copiesOf(messageKey, gcm)).isEmpty();
    assertThat(header.suite()).isEqualTo(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
  }
}

package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.assertKmsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

class LocalKmsSmokeTest {
  @Test
  void defaultsRoundTrip() {
    try (LocalKms kms = LocalKms.start()) {
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      GenerateDataKeyResponse dk =
          app.generateDataKey(
              b ->
                  b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                      .keySpec("AES_256")
                      .encryptionContext(Map.of("a", "b")));
      assertThat(dk.plaintext().asByteArray()).hasSize(32);
      DecryptResponse d =
          app.decrypt(
              b -> b.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(Map.of("a", "b")));
      assertThat(d.plaintext()).isEqualTo(dk.plaintext());
      assertThat(d.keyId())
          .isEqualTo(kms.keyArn(LocalKmsConfig.DEFAULT_ACCOUNT, LocalKmsConfig.DEFAULT_KEY_ID));
      // The context is bound to the ciphertext: another one does not decrypt it.
      assertKmsError(
          () ->
              app.decrypt(
                  b -> b.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(Map.of("a", "c"))),
          "InvalidCiphertextException");
      assertThat(kms.auditLog().events())
          .extracting(AuditEvent::operation, AuditEvent::succeeded)
          .containsExactly(
              tuple("GenerateDataKey", true), tuple("Decrypt", true), tuple("Decrypt", false));
    }
  }
}

package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Root key material given in the configuration (development only): ciphertexts survive a restart.
 */
class ConfiguredKeyMaterialTest {
  private static final String KEY_ID = "0c0c0c0c-1111-2222-3333-444444444444";
  private static final String MRK_ID = "mrk-0c0c0c0c111122223333444444444444";

  private static byte[] material(int seed) {
    byte[] m = new byte[32];
    for (int i = 0; i < m.length; i++) {
      m[i] = (byte) (seed + i * 7);
    }
    return m;
  }

  /**
   * The defaults' principals plus one key and one multi-Region key with replica, with or without
   * material.
   */
  private static String json(String keyMaterial, String mrkMaterial) {
    StringBuilder s =
        new StringBuilder("{\"principals\": [{\"accessKeyId\": \"")
            .append(LocalKmsConfig.ADMIN_ACCESS_KEY_ID)
            .append("\", \"secretAccessKey\": \"s3cret\", \"arn\": \"")
            .append(LocalKmsConfig.ADMIN_ARN)
            .append(
                "\", \"policies\": [{\"Version\": \"2012-10-17\", \"Statement\":"
                    + " [{\"Effect\": \"Allow\", \"Action\": \"kms:*\", \"Resource\": \"*\"}]}]}],\n \"keys\": [")
            .append("{\"keyId\": \"")
            .append(KEY_ID)
            .append("\", \"aliases\": [\"alias/kept\"]");
    if (keyMaterial != null) {
      s.append(", \"keyMaterial\": \"").append(keyMaterial).append('"');
    }
    s.append("},\n {\"keyId\": \"")
        .append(MRK_ID)
        .append("\", \"multiRegion\": true, \"replicaRegions\": [\"eu-west-1\"]");
    if (mrkMaterial != null) {
      s.append(", \"keyMaterial\": \"").append(mrkMaterial).append('"');
    }
    return s.append("}]}").toString();
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void twoServersFromTheSameConfigWithKeyMaterialDecryptEachOthersCiphertexts() {
    LocalKmsConfig config = LocalKmsConfig.fromJson(json(b64(material(1)), b64(material(2))));
    assertThat(config.keys().get(0).keyMaterial()).isEqualTo(material(1));
    SdkBytes blob;
    SdkBytes global;
    try (LocalKms first = LocalKms.start(config)) {
      KmsClient admin = first.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
      blob =
          admin
              .encrypt(
                  b ->
                      b.keyId("alias/kept")
                          .plaintext(SdkBytes.fromUtf8String("kept"))
                          .encryptionContext(Map.of("purpose", "test")))
              .ciphertextBlob();
      global =
          admin
              .encrypt(b -> b.keyId(MRK_ID).plaintext(SdkBytes.fromUtf8String("global")))
              .ciphertextBlob();
    }
    try (LocalKms second = LocalKms.start(config)) {
      KmsClient admin = second.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
      var out =
          admin.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("purpose", "test")));
      assertThat(out.plaintext().asUtf8String()).isEqualTo("kept");
      assertThat(out.keyId()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID);
      // The replica shares the configured material of its primary, in a new process too.
      KmsClient west = second.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID, "eu-west-1");
      assertThat(
              west.decrypt(b -> b.ciphertextBlob(global).keyId(MRK_ID)).plaintext().asUtf8String())
          .isEqualTo("global");
      // The encryption context is still bound: configured material bypasses nothing.
      assertThatThrownBy(
              () ->
                  admin.decrypt(
                      b -> b.ciphertextBlob(blob).encryptionContext(Map.of("purpose", "other"))))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void withoutKeyMaterialASecondServerCannotDecrypt() {
    LocalKmsConfig config = LocalKmsConfig.fromJson(json(null, null));
    assertThat(config.keys().get(0).keyMaterial()).isNull();
    SdkBytes blob;
    try (LocalKms first = LocalKms.start(config)) {
      blob =
          first
              .kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID)
              .encrypt(b -> b.keyId("alias/kept").plaintext(SdkBytes.fromUtf8String("lost")))
              .ciphertextBlob();
    }
    try (LocalKms second = LocalKms.start(config)) {
      KmsClient admin = second.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
      assertThatThrownBy(() -> admin.decrypt(b -> b.ciphertextBlob(blob)))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void differentMaterialDoesNotDecryptAndBuilderConfiguredMaterialPersists() {
    LocalKmsConfig a =
        LocalKmsConfig.builder()
            .key(KeyConfig.builder().keyId(KEY_ID).keyMaterial(material(3)).build())
            .build();
    LocalKmsConfig b =
        LocalKmsConfig.builder()
            .key(KeyConfig.builder().keyId(KEY_ID).keyMaterial(material(4)).build())
            .build();
    SdkBytes blob;
    try (LocalKms first = LocalKms.builder().config(a).principal(admin()).start()) {
      blob =
          first
              .kmsClientFor("AKIAMATERIALADMIN000")
              .encrypt(r -> r.keyId(KEY_ID).plaintext(SdkBytes.fromUtf8String("x")))
              .ciphertextBlob();
    }
    try (LocalKms same = LocalKms.builder().config(a).principal(admin()).start()) {
      assertThat(
              same.kmsClientFor("AKIAMATERIALADMIN000")
                  .decrypt(r -> r.ciphertextBlob(blob))
                  .plaintext()
                  .asUtf8String())
          .isEqualTo("x");
    }
    try (LocalKms other = LocalKms.builder().config(b).principal(admin()).start()) {
      assertThatThrownBy(
              () -> other.kmsClientFor("AKIAMATERIALADMIN000").decrypt(r -> r.ciphertextBlob(blob)))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }

  private static PrincipalConfig admin() {
    return PrincipalConfig.of(
            "AKIAMATERIALADMIN000",
            "arn:aws:iam::111122223333:role/MaterialAdmin",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}")
        .withSecret("material-admin-secret");
  }

  @Test
  void malformedKeyMaterialIsAConfigurationError() {
    assertThatThrownBy(() -> LocalKmsConfig.fromJson(json(b64(new byte[16]), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyMaterial")
        .hasMessageContaining(KEY_ID)
        .hasMessageContaining("32 bytes")
        .hasMessageContaining("not 16");
    assertThatThrownBy(() -> LocalKmsConfig.fromJson(json(b64(new byte[33]), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 33");
    assertThatThrownBy(() -> LocalKmsConfig.fromJson(json("not*base64!", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be base64");
    assertThatThrownBy(() -> LocalKmsConfig.fromJson(json("", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 0");
    assertThatThrownBy(
            () ->
                LocalKmsConfig.fromJson(
                    json(null, null).replace("\"aliases\"", "\"keyMaterial\": 5, \"aliases\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyMaterial must be a string");
    assertThatThrownBy(() -> KeyConfig.builder().keyMaterial(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void keyMaterialIsCopiedAndNeverShown() {
    byte[] m = material(5);
    KeyConfig k = KeyConfig.builder().keyId(KEY_ID).keyMaterial(m).build();
    m[0] ^= 1;
    assertThat(k.keyMaterial()).isEqualTo(material(5));
    k.keyMaterial()[1] ^= 1;
    assertThat(k.keyMaterial()).isEqualTo(material(5));
    assertThat(k.hasKeyMaterial()).isTrue();
    assertThat(k.toString())
        .doesNotContain(b64(material(5)))
        .doesNotContain("[B@")
        .contains("redacted");
    assertThat(LocalKmsConfig.fromJson(json(b64(material(5)), null)).keys().get(0).toString())
        .doesNotContain(b64(material(5)));
    assertThat(k)
        .isEqualTo(KeyConfig.builder().keyId(KEY_ID).keyMaterial(material(5)).build())
        .isNotEqualTo(KeyConfig.builder().keyId(KEY_ID).keyMaterial(material(6)).build())
        .isNotEqualTo(KeyConfig.builder().keyId(KEY_ID).build());
  }
}

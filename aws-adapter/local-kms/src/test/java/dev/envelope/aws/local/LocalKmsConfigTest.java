package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.doctor.AccessDoctor;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.doctor.AccessQuestion;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;

/** The JSON configuration, the defaults, and configuration errors that must not go unnoticed. */
class LocalKmsConfigTest {

  static Path resource(String name) throws Exception {
    return Path.of(LocalKmsConfigTest.class.getResource("/local/" + name).toURI());
  }

  @Test
  void jsonConfigStartsAServerWithItsPrincipalsKeysAndReplicas() throws Exception {
    LocalKmsConfig config = LocalKmsConfig.load(resource("kms-config.json"));
    assertThat(config.region()).isEqualTo("eu-central-1");
    assertThat(config.accounts()).containsExactly("123456789012");
    assertThat(config.principals()).hasSize(2);
    assertThat(config.keys()).hasSize(3);
    assertThat(config.principals().get(0).toString()).doesNotContain("config-admin-secret");
    try (LocalKms kms = LocalKms.start(config)) {
      KmsClient admin = kms.kmsClientFor("AKIACONFIGADMIN00000");
      assertThat(kms.region().id()).isEqualTo("eu-central-1");
      SdkBytes blob =
          admin
              .encrypt(b -> b.keyId("alias/orders").plaintext(SdkBytes.fromUtf8String("o")))
              .ciphertextBlob();
      assertThat(admin.decrypt(b -> b.ciphertextBlob(blob)).keyId())
          .isEqualTo(
              "arn:aws:kms:eu-central-1:123456789012:key/"
                  + "0b0b0b0b-1111-2222-3333-444444444444");
      assertThatThrownBy(
              () ->
                  admin.encrypt(
                      b ->
                          b.keyId("0b0b0b0b-1111-2222-3333-555555555555")
                              .plaintext(SdkBytes.fromUtf8String("o"))))
          .isInstanceOf(DisabledException.class);
      // The reader's IAM policy allows DescribeKey only.
      KmsClient reader = kms.kmsClientFor("AKIACONFIGREADER0000");
      assertThat(reader.describeKey(b -> b.keyId("alias/orders")).keyMetadata().description())
          .isEqualTo("orders");
      KmsAssertions.assertDenied(
          () ->
              reader.encrypt(b -> b.keyId("alias/orders").plaintext(SdkBytes.fromUtf8String("o"))));
      // The configured replica decrypts the primary's ciphertext; aliases exist in both Regions.
      SdkBytes global =
          admin
              .encrypt(
                  b ->
                      b.keyId("alias/global")
                          .plaintext(SdkBytes.fromUtf8String("g"))
                          .encryptionContext(Map.of("a", "b")))
              .ciphertextBlob();
      KmsClient west = kms.kmsClientFor("AKIACONFIGADMIN00000", "eu-west-1");
      assertThat(
              west.decrypt(
                      b ->
                          b.ciphertextBlob(global)
                              .keyId("alias/global")
                              .encryptionContext(Map.of("a", "b")))
                  .plaintext()
                  .asUtf8String())
          .isEqualTo("g");
    }
  }

  @Test
  void defaultsHaveAnAdminAnAppAndAKeyWithTheDefaultPolicy() {
    try (LocalKms kms = LocalKms.start()) {
      KmsClient admin = kms.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
      assertThat(admin.getKeyPolicy(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)).policy())
          .isEqualTo(PolicyDocument.defaultKeyPolicyJson(LocalKmsConfig.DEFAULT_ACCOUNT));
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      // The app may use keys but not manage them.
      KmsAssertions.assertDenied(() -> app.disableKey(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)));
      KmsAssertions.assertDenied(() -> app.createKey(b -> b.description("x")));
      assertThat(kms.endpoint().getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void builderAddsToTheDefaultsAndGrantsBecomeVisibleWhenTheDelayHasPassed() {
    MutableClock clock = new MutableClock();
    String partnerArn = "arn:aws:iam::444455556666:role/Partner";
    try (LocalKms kms =
        LocalKms.builder()
            .principal(PrincipalConfig.of("PARTNER", partnerArn))
            .grantPropagationDelay(java.time.Duration.ofMinutes(5))
            .clock(clock)
            .start()) {
      KmsClient admin = kms.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
      KmsClient partner = kms.kmsClientFor("PARTNER");
      String keyArn = kms.keyArn(LocalKmsConfig.DEFAULT_ACCOUNT, LocalKmsConfig.DEFAULT_KEY_ID);
      var grant =
          admin.createGrant(
              b ->
                  b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)
                      .granteePrincipal(partnerArn)
                      .operations(
                          software.amazon.awssdk.services.kms.model.GrantOperation.ENCRYPT));
      KmsAssertions.assertDenied(
          () -> partner.encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))));
      assertThat(admin.listGrants(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)).grants()).isEmpty();
      clock.advance(java.time.Duration.ofMinutes(5));
      partner.encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")));
      assertThat(admin.listGrants(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)).grants())
          .extracting(g -> g.grantId())
          .containsExactly(grant.grantId());
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends java.time.Clock {
    private volatile java.time.Instant now = java.time.Instant.now();

    void advance(java.time.Duration d) {
      now = now.plus(d);
    }

    void set(java.time.Instant instant) {
      now = instant;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void unknownMembersAreConfigurationErrors() {
    assertThatThrownBy(() -> LocalKmsConfig.fromJson("{\"principles\": []}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("principles");
    assertThatThrownBy(() -> LocalKmsConfig.fromJson("{\"keys\": [{\"state\": \"Gone\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Gone");
    assertThatThrownBy(
            () ->
                LocalKmsConfig.fromJson(
                    "{\"accounts\": [\"111122223333\"], "
                        + "\"keys\": [{\"account\": \"111122223334\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("111122223334");
    assertThatThrownBy(() -> LocalKmsConfig.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownConditionOperatorInAnIdentityPolicyFailsAtStartNotSilently() {
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(
                PrincipalConfig.of(
                    "X",
                    "arn:aws:iam::111122223333:role/X",
                    KmsAssertions.policy(
                        "{\"Effect\":\"Allow\","
                            + "\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringEqualz\":"
                            + "{\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}}")))
            .build();
    assertThatThrownBy(() -> LocalKms.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role/X");
  }

  @Test
  void unknownConditionKeyInAKeyPolicyFailsAtStart() {
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .key(
                KeyConfig.builder()
                    .policy(
                        KmsAssertions.policy(
                            "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                                + "\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                                + "{\"kms:NoSuchKey\":\"x\"}}}"))
                    .build())
            .build();
    assertThatThrownBy(() -> LocalKms.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Key policy");
  }

  @Test
  void keyConfigValidatesIds() {
    assertThatThrownBy(() -> KeyConfig.builder().keyId("plain-id").multiRegion(true).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyConfig.builder().accountId("12").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(KeyConfig.builder().multiRegion(true).build().keyId()).startsWith("mrk-");
    assertThatThrownBy(() -> PrincipalConfig.of("K", "not-an-arn"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLocalKmsConfigurationFileIsAValidEnvironment() throws URISyntaxException {
    AccessEnvironment local =
        AccessEnvironment.load(
            Path.of(LocalKmsConfigTest.class.getResource("/local/kms-config.json").toURI()));
    String reader = "arn:aws:iam::123456789012:user/reader";
    String orders =
        "arn:aws:kms:eu-central-1:123456789012:key/0b0b0b0b-1111-2222-3333-444444444444";
    assertThat(local.keyArns()).contains(orders);
    assertThat(
            AccessDoctor.diagnose(
                    local,
                    AccessQuestion.builder()
                        .caller(reader)
                        .key(orders)
                        .operation("DescribeKey")
                        .build())
                .allowed())
        .isTrue();
    assertThat(
            AccessDoctor.diagnose(
                    local,
                    AccessQuestion.builder()
                        .caller(reader)
                        .key(orders)
                        .operation("Decrypt")
                        .build())
                .allowed())
        .isFalse();
  }
}

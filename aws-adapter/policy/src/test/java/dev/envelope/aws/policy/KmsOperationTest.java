package dev.envelope.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KmsOperationTest {

  @Test
  void namesAreExactForTheApiAndCaseInsensitiveForIam() {
    assertThat(KmsOperation.byName("GenerateDataKey")).contains(KmsOperation.GENERATE_DATA_KEY);
    assertThat(KmsOperation.byName("generatedatakey")).isEmpty();
    assertThat(KmsOperation.byNameIgnoreCase("generatedatakey"))
        .contains(KmsOperation.GENERATE_DATA_KEY);
    assertThat(KmsOperation.canonicalName("reencryptfrom")).isEqualTo("ReEncryptFrom");
    assertThat(KmsOperation.canonicalName("NoSuchOperation")).isEqualTo("NoSuchOperation");
    assertThat(KmsOperation.DECRYPT.action()).isEqualTo("kms:Decrypt");
    assertThat(KmsOperation.DECRYPT).hasToString("Decrypt");
  }

  @Test
  void reEncryptIsOneOperationWithTwoPermissions() {
    assertThat(KmsOperation.RE_ENCRYPT.isApiOperation()).isTrue();
    assertThat(KmsOperation.RE_ENCRYPT.isPermission()).isFalse();
    assertThat(KmsOperation.RE_ENCRYPT.grantable()).isFalse();
    for (KmsOperation half :
        new KmsOperation[] {KmsOperation.RE_ENCRYPT_FROM, KmsOperation.RE_ENCRYPT_TO}) {
      assertThat(half.isApiOperation()).isFalse();
      assertThat(half.isPermission()).isTrue();
      assertThat(half.grantable()).isTrue();
      assertThat(half.quotaGroup()).isEqualTo(KmsOperation.QuotaGroup.NONE);
    }
    assertThat(
            Arrays.stream(KmsOperation.values())
                .filter(o -> !o.isApiOperation() || !o.isPermission()))
        .containsExactlyInAnyOrder(
            KmsOperation.RE_ENCRYPT, KmsOperation.RE_ENCRYPT_FROM, KmsOperation.RE_ENCRYPT_TO);
  }

  @Test
  void factsThatHoldTogether() {
    for (KmsOperation o : KmsOperation.values()) {
      // Grant constraints and the other per-key facts only make sense for operations on a key.
      if (o.crossAccount()
          || o.grantable()
          || o.takesEncryptionContext()
          || o.needsEnabledKey()
          || o.administersKey()
          || o.setsGrantIsForAwsResource()) {
        assertThat(o.onKey()).as(o.operationName()).isTrue();
      }
      if (o.hasEncryptionAlgorithm()) {
        assertThat(o.takesEncryptionContext()).as(o.operationName()).isTrue();
      }
      if (o.implementedLocally()) {
        // The local KMS holds symmetric encryption keys only.
        assertThat(o.isApiOperation() && o.validOnSymmetricEncryptionKey())
            .as(o.operationName())
            .isTrue();
      }
      if (o.quotaGroup() == KmsOperation.QuotaGroup.NONE) {
        assertThat(o.isApiOperation()).as(o.operationName()).isFalse();
      }
    }
  }

  @Test
  void theSymmetricQuotaGroupIsTheOneTheQuotaTableLists() {
    assertThat(
            Arrays.stream(KmsOperation.values())
                .filter(o -> o.quotaGroup() == KmsOperation.QuotaGroup.SYMMETRIC_CRYPTOGRAPHIC)
                .map(KmsOperation::operationName))
        .containsExactlyInAnyOrder(
            "Decrypt",
            "Encrypt",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "GenerateMac",
            "GenerateRandom",
            "ReEncrypt",
            "VerifyMac");
  }
}

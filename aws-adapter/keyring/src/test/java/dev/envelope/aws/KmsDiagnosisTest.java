package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.KmsDiagnosis.KeyFacts;
import dev.envelope.aws.KmsDiagnosis.Request;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KmsDiagnosisTest {
  private static final String KEY_A =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String KEY_B =
      "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  private static Request decrypt(String key, int tokens) {
    return new Request("Decrypt", key, "us-east-1", Set.of("tenant", "purpose"), tokens, null);
  }

  @Test
  void sameAccountDenialBlamesKeyPolicyDelegationWhenKmsSaysSo() {
    String text =
        KmsDiagnosis.explain(
            decrypt(KEY_A, 0),
            "AccessDeniedException",
            "User: arn:aws:iam::111122223333:role/App is not authorized to perform: kms:Decrypt on resource: "
                + KEY_A
                + " because no resource-based policy allows the kms:Decrypt action",
            KeyFacts.notAsked());
    assertThat(text)
        .contains("does not delegate to IAM")
        .contains("arn:aws:iam::111122223333:root")
        .doesNotContain("Cross-account")
        .contains("grant token")
        .contains("kms:EncryptionContext")
        .contains("['purpose', 'tenant']");
  }

  @Test
  void contextKeysFromAMessageAndFieldsOfTheAnswerAreEscaped() {
    Request forged =
        new Request(
            "Decrypt",
            KEY_A,
            "us-east-1",
            Set.of("x\nFAKE LOG LINE\u001b[0m" + "k".repeat(5000)),
            0,
            null);
    String text =
        KmsDiagnosis.explain(forged, "InvalidCiphertextException", "m", KeyFacts.notAsked());
    assertThat(text)
        .doesNotContain("\n" + "FAKE")
        .doesNotContain("\u001b")
        .contains("'x\\u000AFAKE LOG LINE\\u001B[0m")
        .hasSizeLessThan(1500);
    // A caller ARN quoted by the answer is taken only if it is printable.
    assertThat(
            KmsDiagnosis.callerArn(
                "User: arn:aws:iam::111122223333:role/A\u001b[2J is not authorized"))
        .isNull();
  }

  @Test
  void sameAccountDenialBlamesIamWhenKmsSaysSo() {
    String text =
        KmsDiagnosis.explain(
            decrypt(KEY_A, 0),
            "AccessDeniedException",
            "User: arn:aws:iam::111122223333:role/App is not authorized to perform: kms:Decrypt on resource: "
                + KEY_A
                + " because no identity-based policy allows the kms:Decrypt action",
            KeyFacts.notAsked());
    assertThat(text)
        .contains("no IAM policy of arn:aws:iam::111122223333:role/App allows kms:Decrypt")
        .doesNotContain("does not delegate");
  }

  @Test
  void crossAccountDenialNamesBothSides() {
    String text =
        KmsDiagnosis.explain(
            decrypt(KEY_B, 0),
            "AccessDeniedException",
            "User: arn:aws:iam::111122223333:role/App is not authorized to perform: kms:Decrypt on resource: "
                + KEY_B,
            KeyFacts.unavailable(
                "DescribeKey, asked for this diagnosis, failed too (AccessDeniedException)"));
    assertThat(text)
        .contains("Cross-account")
        .contains("key policy in account 444455556666")
        .contains("IAM policy in account 111122223333")
        .contains("DescribeKey");
  }

  @Test
  void crossAccountFromConfiguredCallerAccountWhenMessageIsSilent() {
    Request r =
        new Request(
            "GenerateDataKey",
            "arn:aws:kms:us-east-1:444455556666:alias/shared",
            "us-east-1",
            Set.of(),
            0,
            "111122223333");
    String text =
        KmsDiagnosis.explain(r, "AccessDeniedException", "Access denied", KeyFacts.notAsked());
    assertThat(text).contains("Cross-account").contains("Aliases cannot be used across accounts");
  }

  @Test
  void explicitDenyAndGrantTokens() {
    String text =
        KmsDiagnosis.explain(
            decrypt(KEY_A, 2),
            "AccessDeniedException",
            "User: arn:aws:iam::111122223333:role/App is not authorized to perform: kms:Decrypt on resource: "
                + KEY_A
                + " with an explicit deny",
            KeyFacts.notAsked());
    assertThat(text)
        .contains("explicit Deny")
        .contains("2 grant token(s) were passed")
        .contains("expired");
  }

  @Test
  void keyStateFromDescribeKey() {
    KeyFacts pending =
        new KeyFacts(
            KEY_A,
            "PendingDeletion",
            false,
            "CUSTOMER",
            "ENCRYPT_DECRYPT",
            "SYMMETRIC_DEFAULT",
            false,
            Instant.parse("2030-01-01T00:00:00Z"),
            null);
    assertThat(
            KmsDiagnosis.explain(
                decrypt(KEY_A, 0), "KMSInvalidStateException", "pending deletion", pending))
        .contains("scheduled for deletion on 2030-01-01")
        .contains("CancelKeyDeletion");
    KeyFacts disabled =
        new KeyFacts(
            KEY_A,
            "Disabled",
            false,
            "CUSTOMER",
            "ENCRYPT_DECRYPT",
            "SYMMETRIC_DEFAULT",
            false,
            null,
            null);
    assertThat(KmsDiagnosis.explain(decrypt(KEY_A, 0), "DisabledException", "disabled", disabled))
        .contains("EnableKey");
  }

  @Test
  void notFoundSuggestsRegionAndAliasScope() {
    assertThat(
            KmsDiagnosis.explain(
                decrypt("arn:aws:kms:us-east-1:111122223333:alias/app", 0),
                "NotFoundException",
                "",
                KeyFacts.notAsked()))
        .contains("Aliases are per account and Region");
    assertThat(
            KmsDiagnosis.explain(
                decrypt("arn:aws:kms:us-east-1:111122223333:key/mrk-abc", 0),
                "NotFoundException",
                "",
                KeyFacts.notAsked()))
        .contains("ReplicateKey");
  }

  @Test
  void invalidCiphertextPointsAtEncryptionContext() {
    assertThat(
            KmsDiagnosis.explain(
                decrypt(KEY_A, 0), "InvalidCiphertextException", null, KeyFacts.notAsked()))
        .contains("encryption context differs");
  }

  @Test
  void throttlingSuggestsCachingAndRetries() {
    assertThat(
            KmsDiagnosis.explain(
                decrypt(KEY_A, 0), "ThrottlingException", "Rate exceeded", KeyFacts.notAsked()))
        .contains("quota")
        .contains("CachingMaterialsManager")
        .contains("adaptive");
  }

  @Test
  void callerArnParsing() {
    assertThat(
            KmsDiagnosis.callerArn(
                "User: arn:aws:sts::111122223333:assumed-role/App/s is not authorized to"))
        .isEqualTo("arn:aws:sts::111122223333:assumed-role/App/s");
    assertThat(KmsDiagnosis.accountOf("arn:aws:sts::111122223333:assumed-role/App/s"))
        .isEqualTo("111122223333");
    assertThat(KmsDiagnosis.callerArn("nothing here")).isNull();
  }

  @Test
  void accountFromAccessKeyIdWithoutSts() {
    // Published example: this key id belongs to account 609629065308 (what sts:GetAccessKeyInfo
    // answers).
    assertThat(KmsDiagnosis.accountFromAccessKeyId("ASIAY34FZKBOKMUTVV7A"))
        .isEqualTo("609629065308");
    assertThat(KmsDiagnosis.accountFromAccessKeyId("AKIAENVELOPEAPP00000"))
        .isNull(); // 0 is not base32
    assertThat(KmsDiagnosis.accountFromAccessKeyId("AGPAY34FZKBOKMUTVV7A")).isNull();
    assertThat(KmsDiagnosis.accountFromAccessKeyId("short")).isNull();
    assertThat(KmsDiagnosis.accountFromAccessKeyId(null)).isNull();
  }

  @Test
  void noAnswerIsNeverReadAsAPermissionProblem() {
    Request r = decrypt(KEY_A, 0);
    var refused =
        software.amazon.awssdk.core.exception.SdkClientException.create(
            "Unable to execute HTTP request: Connect to http://10.0.0.1:443 failed: Connection refused",
            new java.net.ConnectException("Connection refused"));
    assertThat(KmsDiagnosis.unreachable(refused)).isTrue();
    assertThat(KmsDiagnosis.noAnswerCause(refused)).isEqualTo("connection refused");
    assertThat(KmsDiagnosis.explainNoAnswer(r, "https://vpce.example", refused))
        .contains(
            "could not reach KMS at https://vpce.example for Region us-east-1 (connection refused)")
        .doesNotContain("policy")
        .doesNotContain("grant");

    var unknownHost =
        software.amazon.awssdk.core.exception.SdkClientException.create(
            "Unable to execute", new java.net.UnknownHostException("kms.nowhere.example"));
    assertThat(KmsDiagnosis.noAnswerCause(unknownHost))
        .isEqualTo("unknown host kms.nowhere.example");

    var attempt = software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.create(300);
    assertThat(KmsDiagnosis.unreachable(attempt)).isTrue();
    assertThat(KmsDiagnosis.noAnswerCause(attempt)).contains("apiCallAttemptTimeout");

    // Credentials that cannot be loaded (even when their own endpoint was unreachable) are not a
    // KMS outage.
    var credentials =
        software.amazon.awssdk.core.exception.SdkClientException.create(
            "Unable to load credentials from any of the providers in the chain",
            new java.net.ConnectException("x"));
    assertThat(KmsDiagnosis.unreachable(credentials)).isFalse();
    assertThat(KmsDiagnosis.explainNoAnswer(r, "https://vpce.example", credentials))
        .contains("credentials")
        .doesNotContain("could not reach KMS");

    var other = software.amazon.awssdk.core.exception.SdkClientException.create("something else");
    assertThat(KmsDiagnosis.unreachable(other)).isFalse();
    assertThat(KmsDiagnosis.explainNoAnswer(r, "https://vpce.example", other))
        .contains("failed before KMS answered");
  }

  @Test
  void answerWithoutErrorCodeIsNotCalledNoAnswer() {
    assertThat(KmsDiagnosis.explain(decrypt(KEY_A, 0), null, "Bad Gateway", KeyFacts.notAsked()))
        .contains("no KMS error code")
        .doesNotContain("did not answer");
  }
}

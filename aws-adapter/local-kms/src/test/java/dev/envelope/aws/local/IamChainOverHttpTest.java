package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.policy.PolicyLayer;
import dev.envelope.aws.policy.doctor.AccessDoctor;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.doctor.AccessQuestion;
import dev.envelope.aws.policy.doctor.Diagnosis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole IAM chain in the local KMS, over HTTP with the real KmsClient, from one configuration
 * file that the access doctor reads as well; each scenario checks that the doctor names the same
 * decision and layer. Sources: IAM User Guide, "Policy evaluation logic" and "Troubleshoot access
 * denied error messages" (the wording of the denials); AWS Organizations User Guide, "Service
 * control policies" and "Resource control policies"; KMS developer guide, "Resource control
 * policies in AWS KMS".
 */
class IamChainOverHttpTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String OUT = "555566667777";
  static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String KEY_ARN = "arn:aws:kms:us-east-1:" + A + ":key/" + KEY;
  static final String SESSION = "arn:aws:sts::" + A + ":assumed-role/Build/ci-1";

  static final String ALLOW_KMS =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
          + "\"Resource\":\"*\"}]}";
  static final String ONLY_ENCRYPT =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
          + "[\"kms:Encrypt\",\"kms:DescribeKey\"],\"Resource\":\"*\"}]}";

  static final String CONFIG =
      """
      {
        "accounts": ["111122223333", "444455556666", "555566667777"],
        "organization": {
          "id": "o-exampleorg1", "rootId": "r-root", "managementAccount": "444455556666",
          "accounts": [{"id": "111122223333", "path": ["ou-prod"]}],
          "scps": [{"name": "NoScheduleDeletion", "targets": ["ou-prod"], "policy":
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
             "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}]}}],
          "rcps": [{"name": "Perimeter", "targets": ["r-root"], "policy":
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
             "Action": "kms:*", "Resource": "*", "Condition": {
               "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg1"},
               "Bool": {"aws:PrincipalIsAWSService": "false"}}}]}}]
        },
        "principals": [
          {"accessKeyId": "ADMIN", "arn": "arn:aws:iam::111122223333:role/Admin",
           "policies": [%1$s]},
          {"accessKeyId": "BOUNDED", "arn": "arn:aws:iam::111122223333:role/Bounded",
           "policies": [%1$s], "permissionsBoundary": %2$s},
          {"accessKeyId": "SESSION", "arn": "%3$s",
           "policies": [%1$s], "sessionPolicies": [%2$s]},
          {"accessKeyId": "OUTSIDER", "arn": "arn:aws:iam::555566667777:role/Outsider",
           "policies": [%1$s]}
        ],
        "keys": [{"keyId": "%4$s", "account": "111122223333", "policy":
          {"Version": "2012-10-17", "Statement": [
            {"Sid": "Root", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Session", "Effect": "Allow", "Principal": {"AWS": "%3$s"},
             "Action": "kms:GenerateDataKey", "Resource": "*"},
            {"Sid": "Outsider", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::555566667777:role/Outsider"},
             "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}}]
      }
      """
          .formatted(ALLOW_KMS, ONLY_ENCRYPT, SESSION, KEY);

  static LocalKms kms;
  static AccessEnvironment env;

  @BeforeAll
  static void start() {
    kms =
        LocalKms.start(LocalKmsConfig.fromJson(CONFIG).toBuilder().verifySignatures(false).build());
    env = AccessEnvironment.fromJson(CONFIG);
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  static KmsClient client(String accessKey) {
    return kms.kmsClientFor(accessKey);
  }

  static Diagnosis doctor(String caller, String operation) {
    return AccessDoctor.diagnose(
        env, AccessQuestion.builder().caller(caller).key(KEY_ARN).operation(operation).build());
  }

  static String lastDecision() {
    return kms.auditLog().last().orElseThrow().decision();
  }

  @Test
  void anScpDenyStopsTheAdministratorOfAMemberAccount() {
    assertDenied(
            () -> client("ADMIN").scheduleKeyDeletion(b -> b.keyId(KEY).pendingWindowInDays(7)))
        .hasMessageContaining("with an explicit deny in a service control policy");
    assertThat(lastDecision()).isEqualTo("EXPLICIT_DENY");
    Diagnosis d = doctor("arn:aws:iam::" + A + ":role/Admin", "ScheduleKeyDeletion");
    assertThat(d.decision().layer()).isEqualTo(PolicyLayer.SCP);
    assertThat(d.render()).contains("layer: service control policy").contains("to allow: remove");
  }

  @Test
  void aPermissionsBoundaryLimitsWhatTheIdentityPolicyAllows() {
    KmsClient bounded = client("BOUNDED");
    assertThat(bounded.describeKey(b -> b.keyId(KEY)).keyMetadata().keyId()).isEqualTo(KEY);
    SdkBytes blob =
        bounded.encrypt(b -> b.keyId(KEY).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    assertDenied(() -> bounded.decrypt(b -> b.ciphertextBlob(blob)))
        .hasMessageContaining("because no permissions boundary allows the kms:Decrypt action");
    assertThat(lastDecision()).isEqualTo("IMPLICIT_DENY");
    Diagnosis d = doctor("arn:aws:iam::" + A + ":role/Bounded", "Decrypt");
    assertThat(d.allowed()).isFalse();
    assertThat(d.decision().layer()).isEqualTo(PolicyLayer.PERMISSIONS_BOUNDARY);
    assertThat(d.decision().remedy()).get().asString().contains("kms:Decrypt");
  }

  /**
   * The session policy allows only Encrypt and DescribeKey. The key policy's statement naming the
   * session itself still allows GenerateDataKey (not limited by the session policy); Decrypt, which
   * only the identity policy allows, is limited.
   */
  @Test
  void aSessionPolicyLimitsTheIdentityPolicyButNotAKeyPolicyNamingTheSession() {
    KmsClient session = client("SESSION");
    assertThat(
            session.generateDataKey(b -> b.keyId(KEY).numberOfBytes(32)).plaintext().asByteArray())
        .hasSize(32);
    assertThat(lastDecision()).isEqualTo("ALLOW");
    assertThat(doctor(SESSION, "GenerateDataKey").decision().layer())
        .isEqualTo(PolicyLayer.KEY_POLICY);
    SdkBytes blob =
        session.encrypt(b -> b.keyId(KEY).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    assertDenied(() -> session.decrypt(b -> b.ciphertextBlob(blob)))
        .hasMessageContaining("because no session policy allows the kms:Decrypt action");
    assertThat(doctor(SESSION, "Decrypt").decision().layer()).isEqualTo(PolicyLayer.SESSION_POLICY);
  }

  @Test
  void anRcpKeepsPrincipalsOutsideTheOrganizationOut() {
    KmsClient outsider = client("OUTSIDER");
    assertDenied(
            () -> outsider.encrypt(b -> b.keyId(KEY_ARN).plaintext(SdkBytes.fromUtf8String("x"))))
        .hasMessageContaining("with an explicit deny in a resource control policy");
    Diagnosis d = doctor("arn:aws:iam::" + OUT + ":role/Outsider", "Encrypt");
    assertThat(d.decision().layer()).isEqualTo(PolicyLayer.RCP);
    assertThat(d.decision().effect().name()).isEqualTo(lastDecision());
  }

  @Test
  void theDoctorAgreesOnAllowsToo() {
    client("ADMIN").encrypt(b -> b.keyId(KEY).plaintext(SdkBytes.fromUtf8String("x")));
    assertThat(lastDecision()).isEqualTo("ALLOW");
    Diagnosis d = doctor("arn:aws:iam::" + A + ":role/Admin", "Encrypt");
    assertThat(d.allowed()).isTrue();
    assertThat(d.decision().layer()).isEqualTo(PolicyLayer.IDENTITY_POLICY);
    assertThat(d.decision().remedy()).isEmpty();
  }
}

package dev.envelope.aws.policy.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import dev.envelope.aws.policy.lint.ReportFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The access report: every known principal and "anyone", what each may call on the key and under
 * which conditions, and external access flagged as IAM Access Analyzer flags it (IAM User Guide,
 * "Using AWS IAM Access Analyzer": access from outside the zone of trust, the account or the
 * organization, is a finding; conditions on the principal's identity limit it, others do not).
 */
class AccessReportTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String C = "777788889999";
  static final String KEY =
      "arn:aws:kms:us-east-1:" + A + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";

  static final String ENV =
      """
      {
        "organization": {"id": "o-exampleorg1", "accounts": ["111122223333", "777788889999"]},
        "principals": [
          {"arn": "arn:aws:iam::111122223333:role/App", "policies": [
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}]}]},
          {"arn": "arn:aws:iam::111122223333:role/NoIam"},
          {"arn": "arn:aws:iam::444455556666:role/Partner", "policies": [
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
             "Resource": "%1$s"}]}]}
        ],
        "keys": [{"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "account": "111122223333",
          "policy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Partner", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::444455556666:role/Partner"},
             "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
            {"Sid": "Sister", "Effect": "Allow", "Principal": {"AWS": "777788889999"},
             "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:EncryptionContext:team": "blue"}}},
            {"Sid": "AccountViaEc2", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
               "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}},
            {"Sid": "AnyoneViaS3", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": "kms:GenerateDataKey", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]}}],
        "grants": [{"GrantId": "g-1", "KeyId": "%1$s",
          "GranteePrincipal": "arn:aws:iam::444455556666:role/Granted",
          "Operations": ["Decrypt"],
          "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}}}]
      }
      """
          .formatted(KEY);

  static final AccessReport REPORT = AccessReport.of(AccessEnvironment.fromJson(ENV), KEY);

  static List<String> ops(String principal, AccessReport.Access access) {
    return REPORT.principal(principal).orElseThrow().operations().stream()
        .filter(o -> o.access() == access)
        .map(AccessReport.OperationAccess::operation)
        .toList();
  }

  @Test
  void sameAccountPrincipalsGetWhatTheirIamPoliciesAllow() {
    String app = "arn:aws:iam::" + A + ":role/App";
    assertThat(ops(app, AccessReport.Access.ALLOWED))
        .contains("Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext")
        .doesNotContain("PutKeyPolicy", "ScheduleKeyDeletion");
    assertThat(REPORT.principal(app).orElseThrow().exposure())
        .isEqualTo(AccessReport.Exposure.SAME_ACCOUNT);
    // NoIam may Decrypt only through EC2 (the statement naming every principal of the account).
    String noIam = "arn:aws:iam::" + A + ":role/NoIam";
    assertThat(ops(noIam, AccessReport.Access.ALLOWED)).isEmpty();
    assertThat(REPORT.principal(noIam).orElseThrow().operations())
        .filteredOn(o -> o.operation().equals("Decrypt"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.access()).isEqualTo(AccessReport.Access.CONDITIONAL);
              assertThat(String.join(" ", o.conditions())).contains("kms:ViaService");
            });
  }

  @Test
  void externalPrincipalsAreFlagged() {
    String partner = "arn:aws:iam::" + B + ":role/Partner";
    assertThat(ops(partner, AccessReport.Access.ALLOWED)).containsExactly("Decrypt");
    AccessReport.PrincipalAccess p = REPORT.principal(partner).orElseThrow();
    assertThat(p.exposure()).isEqualTo(AccessReport.Exposure.EXTERNAL);
    assertThat(p.described()).isTrue();
    // A grantee the environment does not describe: under the grant's constraint.
    String granted = "arn:aws:iam::" + B + ":role/Granted";
    assertThat(REPORT.principal(granted).orElseThrow().operations())
        .filteredOn(o -> o.operation().equals("Decrypt"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.access()).isEqualTo(AccessReport.Access.CONDITIONAL);
              // The statement for the key's account (kms:CallerAccount) cannot apply to it.
              assertThat(o.conditions())
                  .containsExactly("grant g-1: encryption context includes" + " {tenant=acme}");
            });
    assertThat(REPORT.externalAccess())
        .extracting(AccessReport.PrincipalAccess::principal)
        .contains(partner, granted, "*");
  }

  @Test
  void anAccountOfTheOrganizationIsNotExternal() {
    AccessReport.PrincipalAccess sister =
        REPORT.principal("arn:aws:iam::" + C + ":root").orElseThrow();
    assertThat(sister.exposure()).isEqualTo(AccessReport.Exposure.ORGANIZATION);
    assertThat(sister.operations())
        .filteredOn(o -> o.operation().equals("Encrypt"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.operation()).isEqualTo("Encrypt");
              assertThat(o.access()).isEqualTo(AccessReport.Access.CONDITIONAL);
              assertThat(o.conditions().get(0)).contains("kms:EncryptionContext:team");
            });
  }

  /**
   * "Principal": "*" with kms:CallerAccount limits access to the account (a condition on who the
   * caller is); with kms:ViaService alone, anyone who calls through S3 gets in: public access.
   */
  @Test
  void anyoneIsReportedWithTheConditionsThatDoNotIdentifyThePrincipal() {
    AccessReport.PrincipalAccess anyone = REPORT.principal("*").orElseThrow();
    assertThat(anyone.exposure()).isEqualTo(AccessReport.Exposure.PUBLIC);
    assertThat(anyone.operations())
        .extracting(AccessReport.OperationAccess::operation)
        .containsExactly("GenerateDataKey");
    assertThat(anyone.operations().get(0).conditions().get(0))
        .contains("AnyoneViaS3")
        .contains("s3.us-east-1.amazonaws.com");
  }

  @Test
  void rendersTextJsonAndSarif() {
    String text = REPORT.render(ReportFormat.TEXT, "env.json");
    assertThat(text)
        .contains("Access report for " + KEY)
        .contains("EXTERNAL arn:aws:iam::" + B + ":role/Partner [external]")
        .contains("anyone (*) [public")
        .contains("allowed when");
    JsonValue json = JsonReader.parse(REPORT.render(ReportFormat.JSON, "env.json"));
    assertThat(json.field("organization").orElseThrow().asString()).isEqualTo("o-exampleorg1");
    assertThat(json.field("principals").orElseThrow().asArray())
        .hasSize(REPORT.principals().size());
    assertThat(json.field("externalPrincipals").orElseThrow().asNumber()).isEqualTo("3");
    JsonValue sarif = JsonReader.parse(REPORT.render(ReportFormat.SARIF, "env.json"));
    List<JsonValue> results =
        sarif.field("runs").orElseThrow().asArray().get(0).field("results").orElseThrow().asArray();
    assertThat(results)
        .extracting(r -> r.field("ruleId").orElseThrow().asString())
        .containsExactlyInAnyOrder("ENV-AR-001", "ENV-AR-001", "ENV-AR-002");
  }
}

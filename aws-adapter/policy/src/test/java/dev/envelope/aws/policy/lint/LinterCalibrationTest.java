package dev.envelope.aws.policy.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The linter stays quiet on the key policies the KMS developer guide recommends and catches every
 * operator/key-type mismatch and impossible value. The guide's examples are its own statements
 * (pages named per example), each completed with the default "Enable IAM policies" statement.
 */
class LinterCalibrationTest {
  static final String ROOT =
      "{\"Sid\":\"Enable IAM policies\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
          + "\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";

  static String policy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Id\":\"key-policy\",\"Statement\":["
        + String.join(",", statements)
        + "]}";
  }

  static String user(String actions, String condition) {
    return "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/"
        + "ExampleUser\"},\"Action\":"
        + actions
        + ",\"Resource\":\"*\",\"Condition\":"
        + condition
        + "}";
  }

  /** Example policies of the KMS developer guide, by the page they come from. */
  static final Map<String, String> GUIDE =
      Map.ofEntries(
          Map.entry("Default key policy (programmatic)", policy(ROOT)),
          Map.entry(
              "Default key policy (console: administrators, users, persistent resources)",
              policy(
                  ROOT,
                  "{\"Sid\":\"Allow access for Key Administrators\",\"Effect\":\"Allow\","
                      + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:user/KMSAdminUser\","
                      + "\"arn:aws:iam::111122223333:role/KMSAdminRole\"]},\"Action\":["
                      + "\"kms:Create*\",\"kms:Describe*\",\"kms:Enable*\",\"kms:List*\","
                      + "\"kms:Put*\",\"kms:Update*\",\"kms:Revoke*\",\"kms:Disable*\","
                      + "\"kms:Get*\",\"kms:Delete*\",\"kms:TagResource\",\"kms:UntagResource\","
                      + "\"kms:ScheduleKeyDeletion\",\"kms:CancelKeyDeletion\"],\"Resource\":\"*\"}",
                  "{\"Sid\":\"Allow use of the key\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                      + "[\"arn:aws:iam::111122223333:user/ExampleUser\","
                      + "\"arn:aws:iam::111122223333:role/ExampleRole\","
                      + "\"arn:aws:iam::444455556666:root\"]},\"Action\":[\"kms:Encrypt\","
                      + "\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\","
                      + "\"kms:DescribeKey\"],\"Resource\":\"*\"}",
                  "{\"Sid\":\"Allow attachment of persistent resources\",\"Effect\":\"Allow\","
                      + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:user/ExampleUser\","
                      + "\"arn:aws:iam::111122223333:role/ExampleRole\","
                      + "\"arn:aws:iam::444455556666:root\"]},\"Action\":[\"kms:CreateGrant\","
                      + "\"kms:ListGrants\",\"kms:RevokeGrant\"],\"Resource\":\"*\","
                      + "\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":true}}}")),
          Map.entry(
              "Default key policy (HMAC and signing key users)",
              policy(
                  ROOT,
                  "{\"Sid\":\"Allow use of the key\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                      + "\"arn:aws:iam::111122223333:user/ExampleUser\"},\"Action\":["
                      + "\"kms:DescribeKey\",\"kms:GenerateMac\",\"kms:VerifyMac\"],"
                      + "\"Resource\":\"*\"}",
                  "{\"Sid\":\"Allow signing\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                      + "\"arn:aws:iam::111122223333:role/ExampleRole\"},\"Action\":["
                      + "\"kms:DescribeKey\",\"kms:GetPublicKey\",\"kms:Sign\",\"kms:Verify\"],"
                      + "\"Resource\":\"*\"}")),
          Map.entry(
              "kms:CallerAccount (the AWS managed key for Amazon EBS)",
              policy(
                  ROOT,
                  "{\"Sid\":\"Allow access through EBS for all principals in the account that are"
                      + " authorized to use EBS\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                      + "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\","
                      + "\"kms:ViaService\":\"ec2.us-west-2.amazonaws.com\"}},\"Action\":["
                      + "\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\","
                      + "\"kms:CreateGrant\",\"kms:DescribeKey\"],\"Resource\":\"*\"}")),
          Map.entry(
              "kms:EncryptionContext:context-key with kms:EncryptionContextKeys",
              policy(
                  ROOT,
                  user(
                      "\"kms:GenerateDataKey\"",
                      "{\"StringEquals\":{\"kms:EncryptionContext:AppName\":\"ExampleApp\"},"
                          + "\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":"
                          + "[\"AppName\"]}}"))),
          Map.entry(
              "kms:EncryptionContextKeys with ForAnyValue",
              policy(
                  ROOT,
                  user(
                      "[\"kms:Encrypt\",\"kms:GenerateDataKey*\"]",
                      "{\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"AppName\"}}"))),
          Map.entry(
              "kms:GrantOperations",
              policy(
                  ROOT,
                  user(
                      "\"kms:CreateGrant\"",
                      "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Decrypt\","
                          + "\"RetireGrant\"]}}"))),
          Map.entry(
              "kms:GranteePrincipal",
              policy(
                  ROOT,
                  user(
                      "\"kms:CreateGrant\"",
                      "{\"StringEquals\":{\"kms:GranteePrincipal\":"
                          + "\"arn:aws:iam::111122223333:role/LimitedAdminRole\"}}"))),
          Map.entry(
              "kms:ReEncryptOnSameKey",
              policy(
                  ROOT,
                  user("\"kms:ReEncrypt*\"", "{\"Bool\":{\"kms:ReEncryptOnSameKey\":true}}"))),
          Map.entry(
              "kms:RequestAlias",
              policy(
                  ROOT,
                  user(
                      "[\"kms:Decrypt\",\"kms:GenerateDataKey\"]",
                      "{\"StringEquals\":{\"kms:RequestAlias\":\"alias/finance-key\"}}"))),
          Map.entry(
              "kms:ValidTo",
              policy(
                  ROOT,
                  user(
                      "\"kms:ImportKeyMaterial\"",
                      "{\"NumericLessThanEquals\":{\"kms:ValidTo\":\"1546257599.0\"}}"))),
          Map.entry(
              "kms:BypassPolicyLockoutSafetyCheck",
              policy(
                  ROOT,
                  user(
                      "\"kms:PutKeyPolicy\"",
                      "{\"Null\":{\"kms:BypassPolicyLockoutSafetyCheck\":true}}"))),
          Map.entry(
              "kms:ViaService with several services",
              policy(
                  ROOT,
                  user(
                      "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\","
                          + "\"kms:GenerateDataKey*\",\"kms:CreateGrant\",\"kms:ListGrants\","
                          + "\"kms:DescribeKey\"]",
                      "{\"StringEquals\":{\"kms:ViaService\":[\"ec2.us-west-2.amazonaws.com\","
                          + "\"rds.us-west-2.amazonaws.com\"]}}"))));

  static LintReport lint(String json) {
    return KeyPolicyLinter.builder().keyPolicy("key.json", json).build().lint();
  }

  @Test
  void theGuidesRecommendedPoliciesHaveNoFindings() {
    GUIDE.forEach((page, json) -> assertThat(lint(json).findings()).as(page).isEmpty());
  }

  /** One mismatch per row: the condition, and the rule that must report it. */
  record Mismatch(String condition, LintRule rule) {}

  static final List<Mismatch> MISMATCHES =
      List.of(
          // Single-valued operators on multivalued keys, set operators on single-valued keys.
          new Mismatch(
              "{\"StringEquals\":{\"kms:EncryptionContextKeys\":\"AppName\"}}",
              LintRule.SET_OPERATOR_MISMATCH),
          new Mismatch(
              "{\"StringEquals\":{\"kms:GrantOperations\":\"Decrypt\"}}",
              LintRule.SET_OPERATOR_MISMATCH),
          new Mismatch(
              "{\"ForAllValues:StringEquals\":{\"kms:CallerAccount\":\"111122223333\"}}",
              LintRule.SET_OPERATOR_MISMATCH),
          new Mismatch(
              "{\"ForAnyValue:StringEquals\":{\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}",
              LintRule.SET_OPERATOR_MISMATCH),
          // Operators that cannot compare the key's type.
          new Mismatch(
              "{\"NumericEquals\":{\"kms:CallerAccount\":\"111122223333\"}}",
              LintRule.OPERATOR_TYPE_MISMATCH),
          new Mismatch("{\"Bool\":{\"kms:ViaService\":\"true\"}}", LintRule.OPERATOR_TYPE_MISMATCH),
          new Mismatch(
              "{\"DateLessThan\":{\"kms:EncryptionContext:expires\":\"2030-01-01T00:00:00Z\"}}",
              LintRule.OPERATOR_TYPE_MISMATCH),
          new Mismatch(
              "{\"NumericLessThan\":{\"aws:CurrentTime\":\"5\"}}", LintRule.OPERATOR_TYPE_MISMATCH),
          new Mismatch(
              "{\"StringEquals\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
              LintRule.OPERATOR_TYPE_MISMATCH),
          new Mismatch(
              "{\"ArnLike\":{\"kms:CallerAccount\":\"111122223333\"}}",
              LintRule.OPERATOR_TYPE_MISMATCH),
          // Values that can never match the key's documented format.
          new Mismatch(
              "{\"StringEquals\":{\"kms:ViaService\":\"s3\"}}", LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringEquals\":{\"kms:CallerAccount\":\"1111-2222-3333\"}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"decrypt\"]}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringEquals\":{\"kms:GrantIsForAWSResource\":\"yes\"}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"ArnLike\":{\"aws:PrincipalArn\":\"role/App\"}}", LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringEquals\":{\"kms:EncryptionAlgorithm\":\"symmetric_default\"}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringLike\":{\"kms:MultiRegionKeyType\":\"primary*\"}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringEquals\":{\"kms:RequestAlias\":\"finance-key\"}}",
              LintRule.VALUE_NEVER_MATCHES),
          new Mismatch(
              "{\"StringNotEquals\":{\"aws:PrincipalOrgID\":\"my-org\"}}",
              LintRule.VALUE_NEVER_MATCHES));

  @Test
  void everyMismatchIsReported() {
    for (Mismatch m : MISMATCHES) {
      LintReport r =
          lint(policy(ROOT, user("[\"kms:Decrypt\",\"kms:CreateGrant\"]", m.condition())));
      assertThat(r.byRule(m.rule())).as(m.condition()).hasSize(1);
    }
  }

  @Test
  void fixesNameTheValueThatWouldMatch() {
    LintReport ops =
        lint(
            policy(
                ROOT,
                user(
                    "\"kms:CreateGrant\"",
                    "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"decrypt\"]}}")));
    assertThat(ops.byRule(LintRule.VALUE_NEVER_MATCHES))
        .singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("\"Decrypt\""));
    LintReport alg =
        lint(
            policy(
                ROOT,
                user(
                    "\"kms:Decrypt\"",
                    "{\"StringEquals\":{\"kms:EncryptionAlgorithm\":\"symmetric_default\"}}")));
    assertThat(alg.byRule(LintRule.VALUE_NEVER_MATCHES))
        .singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("SYMMETRIC_DEFAULT"));
  }

  @Test
  void closeVariantsThatCanMatchAreQuiet() {
    for (String ok :
        List.of(
            "{\"StringEqualsIgnoreCase\":{\"kms:EncryptionAlgorithm\":\"symmetric_default\"}}",
            "{\"StringLike\":{\"kms:ViaService\":\"*.us-east-1.amazonaws.com\"}}",
            "{\"StringLike\":{\"kms:MultiRegionKeyType\":\"PRIM*\"}}",
            "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/App\"}}",
            "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\"}}",
            "{\"NumericLessThan\":{\"aws:EpochTime\":\"1900000000\"}}",
            "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
            "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\"}}",
            "{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":\"o-a1b2c3d4e5/r-ab12/*\"}}")) {
      assertThat(lint(policy(ROOT, user("\"kms:Decrypt\"", ok))).findings()).as(ok).isEmpty();
    }
  }
}

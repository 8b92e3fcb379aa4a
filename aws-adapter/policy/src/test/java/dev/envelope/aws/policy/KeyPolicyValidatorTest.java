package dev.envelope.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.policy.lint.Finding;
import dev.envelope.aws.policy.lint.KeyPolicyLinter;
import dev.envelope.aws.policy.lint.LintReport;
import dev.envelope.aws.policy.lint.LintRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * KMS's checks of a key policy (KMS developer guide "Key policy format", "Resource quotas", "AWS
 * KMS condition keys"; PutKeyPolicy API reference), and that the linter refuses exactly what they
 * refuse.
 */
class KeyPolicyValidatorTest {
  static final String A = "111122223333";
  static final String ROOT =
      "{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
          + A
          + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";

  static String policy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  static String use(String principal, String condition) {
    return "{\"Sid\":\"Use\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
        + principal
        + "\"},\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"],\"Resource\":\"*\""
        + (condition == null ? "" : ",\"Condition\":" + condition)
        + "}";
  }

  static final String APP = "arn:aws:iam::" + A + ":role/App";

  /** Accepted and refused policies with the kind KMS refuses them for (null: accepted). */
  record Case(String name, String json, KeyPolicyProblem.Kind kind) {}

  static final List<Case> CASES =
      List.of(
          new Case("default", PolicyDocument.defaultKeyPolicyJson(A), null),
          new Case("user", policy(ROOT, use(APP, null)), null),
          new Case(
              "context keys with ForAllValues",
              policy(
                  ROOT,
                  use(
                      APP,
                      "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":\"a\"}}")),
              null),
          new Case(
              "ForAllValues on a context pair",
              policy(
                  ROOT,
                  use(APP, "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContext:a\":\"b\"}}")),
              KeyPolicyProblem.Kind.OVERLY_PERMISSIVE_CONDITION),
          new Case(
              "ForAllValues on a request tag",
              policy(
                  ROOT,
                  use(APP, "{\"ForAllValues:StringEquals\":{\"aws:RequestTag/team\":\"b\"}}")),
              KeyPolicyProblem.Kind.OVERLY_PERMISSIVE_CONDITION),
          new Case(
              "unknown operator",
              policy(ROOT, use(APP, "{\"StringEqualsAny\":{\"kms:CallerAccount\":\"" + A + "\"}}")),
              KeyPolicyProblem.Kind.UNKNOWN_CONDITION_OPERATOR),
          new Case(
              "bad account id",
              policy(ROOT, use("arn:aws:iam::1234:role/App", null)),
              KeyPolicyProblem.Kind.INVALID_PRINCIPAL),
          new Case(
              "no principal",
              policy(ROOT, "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}"),
              KeyPolicyProblem.Kind.MISSING_PRINCIPAL),
          new Case("not JSON", "{\"Statement\": [", KeyPolicyProblem.Kind.MALFORMED),
          new Case(
              "snowman",
              policy(ROOT, use(APP, null)).replace("Use", "U\u2603"),
              KeyPolicyProblem.Kind.INVALID_CHARACTERS),
          new Case(
              "too large",
              policy(ROOT, use(APP, null)).replace("\"Use\"", "\"" + "u".repeat(33_000) + "\""),
              KeyPolicyProblem.Kind.TOO_LARGE),
          new Case(
              "no Resource (accepted, no effect)",
              policy(
                  ROOT,
                  "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\"}"),
              null));

  @Test
  void eachCaseIsRefusedForItsReasonOrAccepted() {
    for (Case c : CASES) {
      KeyPolicyValidator.Result r = KeyPolicyValidator.check(c.json());
      if (c.kind() == null) {
        assertThat(r.problems()).as(c.name()).isEmpty();
        assertThat(r.policy()).as(c.name()).isPresent();
      } else {
        assertThat(r.problems()).as(c.name()).extracting(KeyPolicyProblem::kind).contains(c.kind());
      }
    }
  }

  @Test
  void kmsWordsAndErrorCodes() {
    KeyPolicyProblem overly = KeyPolicyValidator.check(CASES.get(3).json()).problems().get(0);
    assertThat(overly.errorCode()).isEqualTo("MalformedPolicyDocumentException");
    // Developer guide, "AWS KMS condition keys", kms:EncryptionContext:context-key.
    assertThat(overly.message())
        .isEqualTo(
            "OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with"
                + " a single-valued condition key matches requests without the specified"
                + " encryption context or with an unspecified encryption context. To fix, remove"
                + " ForAllValues.");
    assertThat(overly.statementIndex()).isEqualTo(1);
    assertThat(KeyPolicyValidator.check(CASES.get(6).json()).problems().get(0).message())
        .startsWith("Policy contains a statement with one or more invalid principals.");
    assertThat(KeyPolicyValidator.check(CASES.get(10).json()).problems().get(0).errorCode())
        .isEqualTo("LimitExceededException");
  }

  /** The lockout safety check asks about the caller (PutKeyPolicy API reference). */
  @Test
  void lockoutDependsOnTheCaller() {
    PolicyDocument onlyApp =
        PolicyDocument.parseKeyPolicy(
            policy(
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                    + APP
                    + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"));
    String key = "arn:aws:kms:us-east-1:" + A + ":key/k";
    assertThat(KeyPolicyValidator.lockout(onlyApp, CallerIdentity.of(APP), key)).isEmpty();
    assertThat(
            KeyPolicyValidator.lockout(
                onlyApp, CallerIdentity.of("arn:aws:iam::" + A + ":role/Other"), key))
        .get()
        .extracting(KeyPolicyProblem::message)
        .isEqualTo(KeyPolicyValidator.LOCKOUT_MESSAGE);
  }

  private static final Set<LintRule> REFUSAL_RULES =
      Set.of(LintRule.INVALID_STATEMENT, LintRule.POLICY_TOO_LARGE, LintRule.KMS_REJECTS_POLICY);

  /** One validation, used by both: the linter refuses a key policy exactly when KMS does. */
  @Test
  void linterAndKmsAgree() {
    for (Case c : CASES) {
      boolean kmsRefuses = !KeyPolicyValidator.check(c.json()).accepted();
      LintReport report;
      try {
        report =
            KeyPolicyLinter.builder().keyPolicy("key.json", c.json()).keyAccount(A).build().lint();
      } catch (PolicyException notJson) {
        assertThat(kmsRefuses).as(c.name()).isTrue();
        continue;
      }
      List<Finding> refusals =
          report.findings().stream().filter(f -> REFUSAL_RULES.contains(f.rule())).toList();
      assertThat(!refusals.isEmpty()).as(c.name() + ": " + refusals).isEqualTo(kmsRefuses);
    }
  }

  @Test
  void linterFindingsForKeyPoliciesUseKmsWords() {
    LintReport r =
        KeyPolicyLinter.builder()
            .keyPolicy("key.json", CASES.get(6).json())
            .keyAccount(A)
            .build()
            .lint();
    assertThat(r.byRule(LintRule.INVALID_STATEMENT))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .startsWith(
                        "MalformedPolicyDocumentException: "
                            + KeyPolicyValidator.INVALID_PRINCIPALS_MESSAGE));
  }

  @Test
  void linterRunsTheExactLockoutCheckForTheDeployer() {
    String p =
        policy(
            "{\"Sid\":\"AppOnly\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + APP
                + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}");
    LintReport asApp =
        KeyPolicyLinter.builder().keyPolicy("k.json", p).keyAccount(A).deployer(APP).build().lint();
    assertThat(asApp.byRule(LintRule.KMS_REJECTS_POLICY)).isEmpty();
    LintReport asOther =
        KeyPolicyLinter.builder()
            .keyPolicy("k.json", p)
            .keyAccount(A)
            .deployer("arn:aws:iam::" + A + ":role/Pipeline")
            .build()
            .lint();
    assertThat(asOther.byRule(LintRule.KMS_REJECTS_POLICY))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains(KeyPolicyValidator.LOCKOUT_MESSAGE));
  }
}

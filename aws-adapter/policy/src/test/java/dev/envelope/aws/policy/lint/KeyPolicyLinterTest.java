package dev.envelope.aws.policy.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.PolicyException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule: a policy that triggers it and a close variant that does not. */
class KeyPolicyLinterTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String ADMIN = "arn:aws:iam::" + A + ":role/KeyAdmin";
  static final String APP = "arn:aws:iam::" + A + ":role/App";

  static final String ADMIN_ACTIONS =
      "[\"kms:Create*\",\"kms:Describe*\",\"kms:Enable*\",\"kms:List*\",\"kms:Put*\","
          + "\"kms:Update*\",\"kms:Revoke*\",\"kms:Disable*\",\"kms:Get*\",\"kms:Delete*\","
          + "\"kms:TagResource\",\"kms:UntagResource\",\"kms:ScheduleKeyDeletion\","
          + "\"kms:CancelKeyDeletion\"]";
  static final String USE_ACTIONS =
      "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\","
          + "\"kms:DescribeKey\"]";

  static String stmt(String sid, String principal, String actions, String condition) {
    return "{\"Sid\":\""
        + sid
        + "\",\"Effect\":\"Allow\",\"Principal\":"
        + principal
        + ",\"Action\":"
        + actions
        + ",\"Resource\":\"*\""
        + (condition == null ? "" : ",\"Condition\":" + condition)
        + "}";
  }

  static String aws(String arn) {
    return "{\"AWS\":\"" + arn + "\"}";
  }

  static String policy(String... statements) {
    return "{\n\"Version\":\"2012-10-17\",\n\"Statement\":[\n"
        + String.join(",\n", statements)
        + "\n]}";
  }

  static final String ADMINS = stmt("Admins", aws(ADMIN), ADMIN_ACTIONS, null);
  static final String USERS = stmt("Users", aws(APP), USE_ACTIONS, null);
  static final String GRANTS_FOR_AWS =
      stmt(
          "Attach",
          aws(APP),
          "[\"kms:CreateGrant\",\"kms:ListGrants\",\"kms:RevokeGrant\"]",
          "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}");
  static final String ROOT = stmt("Root", aws("arn:aws:iam::" + A + ":root"), "\"kms:*\"", null);

  static LintReport lint(String policy) {
    return KeyPolicyLinter.builder()
        .keyPolicy("key.json", policy)
        .keyAccount(A)
        .includeNotes(true)
        .build()
        .lint();
  }

  static List<Finding> findings(String policy, LintRule rule) {
    return lint(policy).byRule(rule);
  }

  @Test
  void separatedAdministratorsAndUsersHaveNoFindings() {
    LintReport r = lint(policy(ADMINS, USERS, GRANTS_FOR_AWS));
    assertThat(r.findings()).isEmpty();
    assertThat(r.failsAt(Severity.INFO)).isFalse();
  }

  @Nested
  class Lockout {
    @Test
    void noStatementGrantsPutKeyPolicy() {
      List<Finding> f = findings(policy(USERS), LintRule.LOCKOUT);
      assertThat(f)
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.statementIndex()).isEqualTo(-1);
                assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(x.message()).contains("PutKeyPolicy");
              });
    }

    @Test
    void anAdministratorWithPutKeyPolicyIsEnough() {
      assertThat(findings(policy(USERS, ADMINS), LintRule.LOCKOUT)).isEmpty();
      assertThat(findings(policy(USERS, ROOT), LintRule.LOCKOUT)).isEmpty();
    }

    @Test
    void putKeyPolicyOnlyViaNotPrincipalDoesNotCount() {
      String np =
          "{\"Effect\":\"Allow\",\"NotPrincipal\":"
              + aws(APP)
              + ",\"Action\":\"kms:PutKeyPolicy\",\"Resource\":\"*\"}";
      assertThat(findings(policy(USERS, np), LintRule.LOCKOUT)).hasSize(1);
    }
  }

  @Nested
  class RootDelegation {
    @Test
    void kmsStarToOwnRootIsNotedWithItsBlastRadius() {
      List<Finding> f = findings(policy(ROOT, USERS), LintRule.ROOT_DELEGATES_ALL);
      assertThat(f)
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.sid()).isEqualTo("Root");
                assertThat(x.severity()).isEqualTo(Severity.INFO);
                assertThat(x.message()).contains("every IAM user and role").contains(A);
              });
    }

    @Test
    void rootWithAListOfReadActionsIsNotFullDelegation() {
      String rootRead = stmt("Root", aws(A), "[\"kms:DescribeKey\",\"kms:PutKeyPolicy\"]", null);
      assertThat(findings(policy(rootRead, USERS), LintRule.ROOT_DELEGATES_ALL)).isEmpty();
    }
  }

  @Nested
  class PublicPrincipal {
    @Test
    void wildcardWithoutAccountCondition() {
      String s =
          stmt(
              "Public",
              "\"*\"",
              USE_ACTIONS,
              "{\"StringEquals\":{\"kms:EncryptionContext:tenant\":\"acme\"}}");
      assertThat(findings(policy(ADMINS, s), LintRule.PUBLIC_PRINCIPAL))
          .singleElement()
          .satisfies(x -> assertThat(x.fix()).contains("kms:CallerAccount"));
    }

    @Test
    void wildcardRestrictedByCallerAccountAndViaService() {
      String s =
          stmt(
              "ViaS3",
              "{\"AWS\":\"*\"}",
              USE_ACTIONS,
              "{\"StringEquals\":{\"kms:CallerAccount\":\""
                  + A
                  + "\",\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}");
      assertThat(findings(policy(ADMINS, s), LintRule.PUBLIC_PRINCIPAL)).isEmpty();
    }

    @Test
    void wildcardRestrictedByOrganization() {
      String s =
          stmt(
              "Org",
              "\"*\"",
              USE_ACTIONS,
              "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc123\"}}");
      assertThat(findings(policy(ADMINS, s), LintRule.PUBLIC_PRINCIPAL)).isEmpty();
    }

    @Test
    void ifExistsOrNegatedAccountConditionsDoNotRestrict() {
      String ifExists =
          stmt(
              "P1",
              "\"*\"",
              USE_ACTIONS,
              "{\"StringEqualsIfExists\":{\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}");
      String negated =
          stmt(
              "P2",
              "\"*\"",
              USE_ACTIONS,
              "{\"StringNotEquals\":{\"kms:CallerAccount\":\"" + B + "\"}}");
      assertThat(findings(policy(ADMINS, ifExists, negated), LintRule.PUBLIC_PRINCIPAL)).hasSize(2);
    }
  }

  @Nested
  class KmsStar {
    @Test
    void kmsStarToARole() {
      String s = stmt("AppAll", aws(APP), "\"kms:*\"", null);
      assertThat(findings(policy(ADMINS, s), LintRule.KMS_STAR_TO_NON_ROOT))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains(APP));
    }

    @Test
    void kmsStarToTheAccountRootIsNotThisRule() {
      assertThat(findings(policy(ROOT), LintRule.KMS_STAR_TO_NON_ROOT)).isEmpty();
    }
  }

  @Nested
  class AdminHoldsCrypto {
    @Test
    void administratorWhoCanDecrypt() {
      String s =
          stmt(
              "Admins",
              aws(ADMIN),
              ADMIN_ACTIONS.replace("]", ",\"kms:Decrypt\",\"kms:GenerateDataKey*\"]"),
              null);
      assertThat(findings(policy(s, USERS), LintRule.ADMIN_HOLDS_CRYPTO))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains("Decrypt").contains("GenerateDataKey"));
    }

    @Test
    void administratorWithDescribeKeyOnlyIsFine() {
      assertThat(findings(policy(ADMINS, USERS), LintRule.ADMIN_HOLDS_CRYPTO)).isEmpty();
    }
  }

  @Nested
  class UserHoldsAdmin {
    @Test
    void userWhoCanPutKeyPolicy() {
      String s = stmt("Users", aws(APP), USE_ACTIONS.replace("]", ",\"kms:PutKeyPolicy\"]"), null);
      assertThat(findings(policy(ADMINS, s), LintRule.USER_HOLDS_ADMIN))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains("PutKeyPolicy"));
    }

    @Test
    void userWhoCanScheduleDeletion() {
      String s =
          stmt("Users", aws(APP), USE_ACTIONS.replace("]", ",\"kms:ScheduleKeyDeletion\"]"), null);
      assertThat(findings(policy(ADMINS, s), LintRule.USER_HOLDS_ADMIN)).hasSize(1);
    }

    @Test
    void userWithDisableKeyOnlyIsNotThisRule() {
      String s = stmt("Users", aws(APP), USE_ACTIONS.replace("]", ",\"kms:DisableKey\"]"), null);
      assertThat(findings(policy(ADMINS, s), LintRule.USER_HOLDS_ADMIN)).isEmpty();
    }
  }

  @Nested
  class UserCreateGrant {
    @Test
    void createGrantWithoutGrantIsForAwsResource() {
      String s = stmt("Attach", aws(APP), "[\"kms:CreateGrant\",\"kms:ListGrants\"]", null);
      assertThat(findings(policy(ADMINS, s), LintRule.USER_UNRESTRICTED_CREATE_GRANT))
          .singleElement()
          .satisfies(x -> assertThat(x.fix()).contains("GrantIsForAWSResource"));
    }

    @Test
    void createGrantInTheUseStatementWithoutCondition() {
      String s = stmt("Users", aws(APP), USE_ACTIONS.replace("]", ",\"kms:CreateGrant\"]"), null);
      assertThat(findings(policy(ADMINS, s), LintRule.USER_UNRESTRICTED_CREATE_GRANT)).hasSize(1);
    }

    @Test
    void createGrantWithTheConditionIsFine() {
      assertThat(
              findings(
                  policy(ADMINS, USERS, GRANTS_FOR_AWS), LintRule.USER_UNRESTRICTED_CREATE_GRANT))
          .isEmpty();
    }

    @Test
    void conditionSetToFalseDoesNotCount() {
      String s =
          stmt(
              "Attach",
              aws(APP),
              "\"kms:CreateGrant\"",
              "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"false\"}}");
      assertThat(findings(policy(ADMINS, s), LintRule.USER_UNRESTRICTED_CREATE_GRANT)).hasSize(1);
    }
  }

  @Nested
  class SetQualifier {
    @Test
    void forAllValuesOnSingleValuedContextKey() {
      // KMS developer guide, "AWS KMS condition keys", kms:EncryptionContext:context-key: KMS
      // refuses ForAllValues with this key (OverlyPermissiveCondition), so in a key policy the
      // finding is KMS's refusal; in an IAM policy, which KMS does not check, it is ENV-KP-008.
      String s =
          stmt(
              "Users",
              aws(APP),
              USE_ACTIONS,
              "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContext:tenant\":\"acme\"}}");
      assertThat(findings(policy(ADMINS, s), LintRule.KMS_REJECTS_POLICY))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.message())
                    .startsWith("MalformedPolicyDocumentException: OverlyPermissiveCondition");
                assertThat(x.sid()).isEqualTo("Users");
              });
      assertThat(findings(policy(ADMINS, s), LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY))
          .isEmpty();
      String iam =
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
              + "\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":"
              + "{\"kms:EncryptionContext:tenant\":\"acme\"}}}]}";
      LintReport r =
          KeyPolicyLinter.builder()
              .keyPolicy("key.json", policy(ADMINS, USERS))
              .iamPolicy("app.json", iam)
              .keyAccount(A)
              .build()
              .lint();
      assertThat(r.byRule(LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.message()).contains("no 'tenant' entry");
                assertThat(x.fix()).contains("\"StringEquals\"");
              });
      assertThat(r.byRule(LintRule.KMS_REJECTS_POLICY)).isEmpty();
    }

    @Test
    void forAnyValueOnSingleValuedContextKey() {
      String s =
          stmt(
              "Users",
              aws(APP),
              USE_ACTIONS,
              "{\"ForAnyValue:StringLike\":{\"kms:EncryptionContext:tenant\":[\"a*\",\"b*\"]}}");
      assertThat(findings(policy(ADMINS, s), LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY))
          .hasSize(1);
    }

    @Test
    void setQualifierOnEncryptionContextKeysIsRight() {
      String s =
          stmt(
              "Users",
              aws(APP),
              USE_ACTIONS,
              "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":[\"tenant\"]}}");
      String plain =
          stmt(
              "Users2",
              aws(APP),
              USE_ACTIONS,
              "{\"StringEquals\":{\"kms:EncryptionContext:tenant\":\"acme\"}}");
      assertThat(
              findings(
                  policy(ADMINS, s, plain), LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY))
          .isEmpty();
    }

    @Test
    void alsoCheckedInIamPolicies() {
      String iam =
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
              + "\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":"
              + "{\"kms:EncryptionContext:tenant\":\"acme\"}}}]}";
      LintReport r =
          KeyPolicyLinter.builder()
              .keyPolicy("key.json", policy(ADMINS, USERS))
              .iamPolicy("app.json", iam)
              .build()
              .lint();
      assertThat(r.byRule(LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY))
          .singleElement()
          .satisfies(x -> assertThat(x.source()).isEqualTo("app.json"));
    }
  }

  @Nested
  class CrossAccountRoot {
    @Test
    void otherAccountNamedByRoot() {
      String s = stmt("Partner", aws("arn:aws:iam::" + B + ":root"), USE_ACTIONS, null);
      assertThat(findings(policy(ROOT, s), LintRule.CROSS_ACCOUNT_ROOT))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains("every IAM principal of account " + B));
    }

    @Test
    void otherAccountNamedByBareId() {
      String s = stmt("Partner", aws(B), USE_ACTIONS, null);
      assertThat(findings(policy(ROOT, s), LintRule.CROSS_ACCOUNT_ROOT)).hasSize(1);
    }

    @Test
    void otherAccountsRoleIsFine() {
      String s = stmt("Partner", aws("arn:aws:iam::" + B + ":role/Partner"), USE_ACTIONS, null);
      assertThat(findings(policy(ROOT, s), LintRule.CROSS_ACCOUNT_ROOT)).isEmpty();
    }

    @Test
    void keyAccountIsInferredFromTheAdministeringRoot() {
      String s = stmt("Partner", aws("arn:aws:iam::" + B + ":root"), USE_ACTIONS, null);
      LintReport r =
          KeyPolicyLinter.builder()
              .keyPolicy("k.json", policy(ROOT, s))
              .includeNotes(true)
              .build()
              .lint();
      assertThat(r.keyAccount()).contains(A);
      assertThat(r.byRule(LintRule.CROSS_ACCOUNT_ROOT)).hasSize(1);
    }
  }

  @Nested
  class IamResourceStar {
    static final String PARTNER_STMT =
        stmt("Partner", aws("arn:aws:iam::" + B + ":role/Partner"), USE_ACTIONS, null);

    static LintReport withIam(String resource) {
      String iam =
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"UseKey\",\"Effect\":"
              + "\"Allow\",\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"],\"Resource\":\""
              + resource
              + "\"}]}";
      return KeyPolicyLinter.builder()
          .keyPolicy("key.json", policy(ROOT, PARTNER_STMT))
          .iamPolicy("partner.json", iam)
          .build()
          .lint();
    }

    @Test
    void crossAccountIamPolicyOnEveryResource() {
      assertThat(withIam("*").byRule(LintRule.IAM_CROSS_ACCOUNT_RESOURCE_STAR))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.source()).isEqualTo("partner.json");
                assertThat(x.sid()).isEqualTo("UseKey");
                assertThat(x.message()).contains(B);
              });
    }

    @Test
    void crossAccountIamPolicyNamingTheKey() {
      assertThat(
              withIam("arn:aws:kms:us-east-1:" + A + ":key/1234abcd-12ab-34cd-56ef-123456789012")
                  .byRule(LintRule.IAM_CROSS_ACCOUNT_RESOURCE_STAR))
          .isEmpty();
    }

    @Test
    void sameAccountKeyIsNotCrossAccountUse() {
      String iam =
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
              + "\"kms:Decrypt\",\"Resource\":\"*\"}]}";
      LintReport r =
          KeyPolicyLinter.builder()
              .keyPolicy("key.json", policy(ROOT, USERS))
              .iamPolicy("app.json", iam)
              .build()
              .lint();
      assertThat(r.byRule(LintRule.IAM_CROSS_ACCOUNT_RESOURCE_STAR)).isEmpty();
    }
  }

  @Nested
  class PolicySize {
    static String padded(int targetBytes) {
      StringBuilder stmts = new StringBuilder();
      int i = 0;
      String base = policy(ADMINS, USERS);
      while (base.length() + stmts.length() < targetBytes) {
        stmts
            .append(",")
            .append(
                stmt(
                    "Reader" + i,
                    aws("arn:aws:iam::" + A + ":role/Reader" + i),
                    "\"kms:DescribeKey\"",
                    null));
        i++;
      }
      return policy(ADMINS, USERS + stmts);
    }

    @Test
    void over32KbIsReported() {
      String big = padded(33_000);
      assertThat(findings(big, LintRule.POLICY_TOO_LARGE))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains(String.valueOf(big.length())));
    }

    @Test
    void justUnder32KbIsFine() {
      String ok = padded(32_000);
      assertThat(ok.length()).isLessThanOrEqualTo(32768);
      assertThat(findings(ok, LintRule.POLICY_TOO_LARGE)).isEmpty();
    }
  }

  @Nested
  class InvalidElements {
    @Test
    void unknownConditionKeyIsAFindingWithItsLineAndTheRestIsStillLinted() {
      String bad =
          stmt(
              "Typo",
              aws(APP),
              USE_ACTIONS,
              "{\"StringEquals\":{\"kms:EncryptionContxt:tenant\":\"acme\"}}");
      String star = stmt("AppAll", aws(APP), "\"kms:*\"", null);
      LintReport r = lint(policy(ADMINS, bad, star));
      assertThat(r.byRule(LintRule.INVALID_STATEMENT))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.statementIndex()).isEqualTo(1);
                assertThat(x.line()).isEqualTo(5);
                assertThat(x.message()).contains("kms:EncryptionContxt:tenant");
              });
      assertThat(r.byRule(LintRule.KMS_STAR_TO_NON_ROOT))
          .singleElement()
          .satisfies(x -> assertThat(x.statementIndex()).isEqualTo(2));
    }

    @Test
    void unknownConditionOperator() {
      String bad =
          stmt(
              "Typo",
              aws(APP),
              USE_ACTIONS,
              "{\"StringEqualz\":{\"kms:CallerAccount\":\"" + A + "\"}}");
      assertThat(findings(policy(ADMINS, bad), LintRule.INVALID_STATEMENT))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains("StringEqualz"));
    }

    @Test
    void correctlySpelledConditionIsFine() {
      String good =
          stmt(
              "Ok",
              aws(APP),
              USE_ACTIONS,
              "{\"StringEquals\":{\"kms:CallerAccount\":\"" + A + "\"}}");
      assertThat(findings(policy(ADMINS, good), LintRule.INVALID_STATEMENT)).isEmpty();
    }

    @Test
    void keyPolicyStatementWithoutPrincipal() {
      String s =
          "{\"Sid\":\"NoP\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(findings(policy(ADMINS, s), LintRule.INVALID_STATEMENT))
          .singleElement()
          .satisfies(x -> assertThat(x.sid()).isEqualTo("NoP"));
    }

    @Test
    void documentLevelErrorIsAFindingToo() {
      String p = "{\"Version\":\"2012-10-17\",\"Statment\":[]}";
      assertThat(findings(p, LintRule.INVALID_STATEMENT))
          .singleElement()
          .satisfies(x -> assertThat(x.statementIndex()).isEqualTo(-1));
    }

    @Test
    void duplicateKeysAreAFindingNotAnError() {
      String p =
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Effect\":"
              + "\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
      assertThat(findings(p, LintRule.INVALID_STATEMENT)).isNotEmpty();
    }

    @Test
    void textThatIsNotJsonIsAnError() {
      assertThatThrownBy(() -> lint("{\"Version\": \"2012-10-17\", \"Statement\": [ {"))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("key.json")
          .hasMessageContaining("not valid JSON");
      assertThatThrownBy(() -> lint("{} trailing")).isInstanceOf(PolicyException.class);
    }
  }

  @Nested
  class NotPrincipalAndNotAction {
    @Test
    void allowWithNotPrincipal() {
      String s =
          "{\"Sid\":\"Everyone\",\"Effect\":\"Allow\",\"NotPrincipal\":"
              + aws(APP)
              + ",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(findings(policy(ADMINS, s), LintRule.ALLOW_NOT_PRINCIPAL)).hasSize(1);
    }

    @Test
    void denyWithNotPrincipalIsTheIntendedUse() {
      String s =
          "{\"Sid\":\"BreakGlass\",\"Effect\":\"Deny\",\"NotPrincipal\":"
              + aws(ADMIN)
              + ",\"Action\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}";
      assertThat(findings(policy(ADMINS, s), LintRule.ALLOW_NOT_PRINCIPAL)).isEmpty();
    }

    @Test
    void allowWithNotAction() {
      String s =
          "{\"Sid\":\"AllBut\",\"Effect\":\"Allow\",\"Principal\":"
              + aws(APP)
              + ",\"NotAction\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}";
      assertThat(findings(policy(ADMINS, s), LintRule.ALLOW_NOT_ACTION))
          .singleElement()
          .satisfies(x -> assertThat(x.message()).contains("management actions"));
    }

    @Test
    void denyWithNotActionIsFine() {
      String s =
          "{\"Sid\":\"OnlyUse\",\"Effect\":\"Deny\",\"Principal\":"
              + aws(APP)
              + ",\"NotAction\":[\"kms:Decrypt\",\"kms:Encrypt\"],\"Resource\":\"*\"}";
      assertThat(findings(policy(ADMINS, USERS, s), LintRule.ALLOW_NOT_ACTION)).isEmpty();
    }
  }

  @Nested
  class Grants {
    static LintReport withGrant(Set<String> ops) {
      Grant g = new Grant("g-1", null, APP, null, ops, Map.of(), Map.of(), "app", A);
      return KeyPolicyLinter.builder()
          .keyPolicy("key.json", policy(ADMINS, USERS))
          .grants("grants.json", List.of(g))
          .build()
          .lint();
    }

    @Test
    void grantThatCanRegrant() {
      assertThat(withGrant(Set.of("Decrypt", "CreateGrant")).byRule(LintRule.GRANT_CAN_REGRANT))
          .singleElement()
          .satisfies(x -> assertThat(x.source()).isEqualTo("grants.json"));
    }

    @Test
    void grantWithoutCreateGrant() {
      assertThat(withGrant(Set.of("Decrypt")).byRule(LintRule.GRANT_CAN_REGRANT)).isEmpty();
    }
  }

  @Test
  void findingsAreSortedMostSevereFirstAndThresholdsWork() {
    String s = stmt("AppAll", aws(APP), "\"kms:*\"", null);
    LintReport r = lint(policy(ROOT, s));
    assertThat(r.findings())
        .extracting(Finding::severity)
        .isSortedAccordingTo((x, y) -> y.compareTo(x));
    assertThat(r.failsAt(Severity.HIGH)).isTrue();
    assertThat(r.failsAt(Severity.CRITICAL)).isFalse();
    assertThat(r.atOrAbove(Severity.LOW)).hasSize(1);
    assertThat(r.atOrAbove(Severity.INFO)).hasSize(2);
  }

  @Test
  void ruleIdsAreUniqueAndStable() {
    assertThat(LintRule.values())
        .extracting(LintRule::id)
        .doesNotHaveDuplicates()
        .startsWith("ENV-KP-001");
    assertThat(LintRule.LOCKOUT.id()).isEqualTo("ENV-KP-001");
    assertThat(LintRule.GRANT_CAN_REGRANT.id()).isEqualTo("ENV-KP-015");
  }
}

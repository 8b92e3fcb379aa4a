package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.Fixtures.ALICE;
import static dev.envelope.aws.policy.Fixtures.APP;
import static dev.envelope.aws.policy.Fixtures.ENABLE_IAM;
import static dev.envelope.aws.policy.Fixtures.KEY_ARN;
import static dev.envelope.aws.policy.Fixtures.OTHER_KEY_ARN;
import static dev.envelope.aws.policy.Fixtures.PARTNER;
import static dev.envelope.aws.policy.Fixtures.PARTNER_ROOT;
import static dev.envelope.aws.policy.Fixtures.ROOT;
import static dev.envelope.aws.policy.Fixtures.eval;
import static dev.envelope.aws.policy.Fixtures.policy;
import static dev.envelope.aws.policy.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccessEvaluatorTest {

  static final String ALLOW_APP_USE =
      """
      {"Sid": "AllowUse", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
       "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}""";

  static final PolicyDocument IAM_ALLOW_DECRYPT =
      PolicyDocument.parseIdentityPolicy(
              """
              {"Version": "2012-10-17", "Statement": [{"Sid": "UseKey", "Effect": "Allow",
               "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "%s"}]}"""
                  .formatted(KEY_ARN))
          .withName("AppKms");

  @Nested
  class SameAccount {
    @Test
    void keyPolicyAllowsRoleDirectlyWithoutIamPolicy() {
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(ALLOW_APP_USE));
      assertThat(d.effect()).isEqualTo(Effect.ALLOW);
      assertThat(d.allowed()).isTrue();
      assertThat(d.decidedBy()).isEqualTo("key policy statement 'AllowUse'");
      assertThat(d.chain()).anyMatch(l -> l.contains("allows the caller directly"));
    }

    @Test
    void keyPolicyStatementDoesNotCoverOtherActions() {
      AccessDecision d = eval(request(APP, "ScheduleKeyDeletion").build(), policy(ALLOW_APP_USE));
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.decidedBy()).startsWith("no statement allows");
    }

    @Test
    void keyPolicyStatementDoesNotCoverOtherPrincipals() {
      AccessDecision d = eval(request(ALICE, "Decrypt").build(), policy(ALLOW_APP_USE));
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void iamPolicyCountsWhenKeyPolicyDelegatesToAccount() {
      AccessDecision d =
          eval(request(APP, "Decrypt").build(), policy(ENABLE_IAM), IAM_ALLOW_DECRYPT);
      assertThat(d.effect()).isEqualTo(Effect.ALLOW);
      assertThat(d.decidedBy()).isEqualTo("IAM policy 'AppKms' statement 'UseKey'");
      assertThat(d.chain())
          .anyMatch(
              l ->
                  l.contains("statement 'Enable IAM User Permissions'") && l.contains("delegates"));
    }

    @Test
    void delegationWithBareAccountIdPrincipal() {
      String enable =
          "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(enable), IAM_ALLOW_DECRYPT);
      assertThat(d.allowed()).isTrue();
      assertThat(d.chain()).anyMatch(l -> l.contains("statement #0") && l.contains("delegates"));
    }

    @Test
    void delegationAloneAllowsNothingWithoutIamPolicy() {
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(ENABLE_IAM));
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.decidedBy()).contains("no IAM policy of the caller allows kms:Decrypt");
    }

    @Test
    void iamPolicyWithoutDelegationIsIgnored() {
      AccessDecision d =
          eval(
              request(APP, "Decrypt").build(),
              policy(
                  "{\"Sid\":\"AdminOnly\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/Admin\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"),
              IAM_ALLOW_DECRYPT);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.decidedBy()).contains("IAM policies do not count");
      assertThat(d.chain())
          .anyMatch(l -> l.contains("IAM policy 'AppKms' statement 'UseKey' allows"));
    }

    @Test
    void iamPolicyForOtherActionOrOtherKeyDoesNotAllow() {
      assertThat(
              eval(request(APP, "Encrypt").build(), policy(ENABLE_IAM), IAM_ALLOW_DECRYPT)
                  .allowed())
          .isFalse();
      AccessRequest otherKey =
          AccessRequest.builder().caller(APP).operation("Decrypt").keyArn(OTHER_KEY_ARN).build();
      assertThat(eval(otherKey, policy(ENABLE_IAM), IAM_ALLOW_DECRYPT).allowed()).isFalse();
    }

    @Test
    void rootUserIsAllowedByTheRootPrincipalStatementItself() {
      AccessDecision d = eval(request(ROOT, "ScheduleKeyDeletion").build(), policy(ENABLE_IAM));
      assertThat(d.allowed()).isTrue();
      assertThat(d.decidedBy()).isEqualTo("key policy statement 'Enable IAM User Permissions'");
    }

    @Test
    void rootUserIsNotAllowedWhenKeyPolicyOmitsTheAccount() {
      assertThat(eval(request(ROOT, "Decrypt").build(), policy(ALLOW_APP_USE)).effect())
          .isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void wildcardPrincipalAllowsSameAccountCaller() {
      String anyone =
          "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(ALICE, "Decrypt").build(), policy(anyone)).allowed()).isTrue();
      String star =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(ALICE, "Decrypt").build(), policy(star)).allowed()).isTrue();
    }

    @Test
    void principalListMatchesAnyEntry() {
      String list =
          "{\"Sid\":\"Users\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:role/Other\","
              + "\"arn:aws:iam::111122223333:user/alice\"]},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(ALICE, "Decrypt").build(), policy(list)).allowed()).isTrue();
      assertThat(eval(request(APP, "Decrypt").build(), policy(list)).allowed()).isFalse();
    }

    @Test
    void roleSessionIsCoveredByRolePrincipal() {
      CallerIdentity session =
          CallerIdentity.of("arn:aws:sts::111122223333:assumed-role/App/worker-1");
      assertThat(eval(request(session, "Decrypt").build(), policy(ALLOW_APP_USE)).allowed())
          .isTrue();
      CallerIdentity otherRole =
          CallerIdentity.of("arn:aws:sts::111122223333:assumed-role/Apple/worker-1");
      assertThat(eval(request(otherRole, "Decrypt").build(), policy(ALLOW_APP_USE)).allowed())
          .isFalse();
    }

    @Test
    void emptyKeyPolicyDeniesEveryone() {
      PolicyDocument empty = PolicyDocument.parse("{\"Statement\": []}");
      assertThat(eval(request(ROOT, "Decrypt").build(), empty, IAM_ALLOW_DECRYPT).effect())
          .isEqualTo(Effect.IMPLICIT_DENY);
    }
  }

  @Nested
  class Actions {
    @Test
    void generateDataKeyWildcardCoversItsVariantsOnly() {
      PolicyDocument kp = policy(ALLOW_APP_USE);
      assertThat(eval(request(APP, "GenerateDataKey").build(), kp).allowed()).isTrue();
      assertThat(eval(request(APP, "GenerateDataKeyWithoutPlaintext").build(), kp).allowed())
          .isTrue();
      assertThat(eval(request(APP, "GenerateDataKeyPair").build(), kp).allowed()).isTrue();
      assertThat(eval(request(APP, "ReEncryptFrom").build(), kp).allowed()).isFalse();
    }

    @Test
    void actionNamesAreCaseInsensitive() {
      String lower =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"KMS:decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(lower)).allowed()).isTrue();
    }

    @Test
    void questionMarkAndStarWildcards() {
      String re =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:ReEncrypt*\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "ReEncryptFrom").build(), policy(re)).allowed()).isTrue();
      assertThat(eval(request(APP, "ReEncryptTo").build(), policy(re)).allowed()).isTrue();
      String q =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:?ncrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "Encrypt").build(), policy(q)).allowed()).isTrue();
      assertThat(eval(request(APP, "Decrypt").build(), policy(q)).allowed()).isFalse();
      String all = "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "PutKeyPolicy").build(), policy(all)).allowed()).isTrue();
    }

    @Test
    void notActionAllowsEverythingElse() {
      String notDelete =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":[\"kms:ScheduleKeyDeletion\",\"kms:Put*\"],\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(notDelete)).allowed()).isTrue();
      assertThat(eval(request(APP, "ScheduleKeyDeletion").build(), policy(notDelete)).allowed())
          .isFalse();
      assertThat(eval(request(APP, "PutKeyPolicy").build(), policy(notDelete)).allowed()).isFalse();
    }

    @Test
    void otherServicesActionsDoNotMatch() {
      String s3 =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(s3)).allowed()).isFalse();
    }
  }

  @Nested
  class Resources {
    @Test
    void keyArnWildcardsAndNotResource() {
      String byArn =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:us-east-1:111122223333:key/1234*\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(byArn)).allowed()).isTrue();
      AccessRequest other =
          AccessRequest.builder().caller(APP).operation("Decrypt").keyArn(OTHER_KEY_ARN).build();
      assertThat(eval(other, policy(byArn)).allowed()).isFalse();

      String notThis =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"NotResource\":\""
              + KEY_ARN
              + "\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(notThis)).allowed()).isFalse();
      assertThat(eval(other, policy(notThis)).allowed()).isTrue();
    }

    @Test
    void iamPolicyResourceWildcardByRegion() {
      PolicyDocument iam =
          policy(
              "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:eu-*:111122223333:key/*\"}");
      assertThat(eval(request(APP, "Decrypt").build(), policy(ENABLE_IAM), iam).allowed())
          .isFalse();
      PolicyDocument iamUs =
          policy(
              "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:us-*:111122223333:key/*\"}");
      assertThat(eval(request(APP, "Decrypt").build(), policy(ENABLE_IAM), iamUs).allowed())
          .isTrue();
    }
  }

  @Nested
  class ExplicitDeny {
    static final String DENY_DECRYPT_OUTSIDE_S3 =
        """
        {"Sid": "DenyOutsideS3", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
         "Resource": "*", "Condition": {"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}""";

    @Test
    void denyInKeyPolicyBeatsAllowInKeyPolicy() {
      PolicyDocument kp = policy(ALLOW_APP_USE, DENY_DECRYPT_OUTSIDE_S3);
      AccessDecision d = eval(request(APP, "Decrypt").build(), kp);
      assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(d.allowed()).isFalse();
      assertThat(d.decidedBy()).isEqualTo("key policy statement 'DenyOutsideS3'");

      AccessDecision viaS3 =
          eval(request(APP, "Decrypt").viaService("s3.us-east-1.amazonaws.com").build(), kp);
      assertThat(viaS3.allowed()).isTrue();
      assertThat(viaS3.chain()).anyMatch(l -> l.contains("'DenyOutsideS3' (Deny) does not apply"));
    }

    @Test
    void denyInIamPolicyBeatsKeyPolicyAllow() {
      PolicyDocument iamDeny =
          policy(
              "{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(ALLOW_APP_USE), iamDeny);
      assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(d.decidedBy()).isEqualTo("IAM policy #0 statement 'NoDecrypt'");
    }

    @Test
    void iamDenyAppliesEvenWithoutDelegation() {
      PolicyDocument iamDeny =
          policy("{\"Effect\":\"Deny\",\"Action\":\"kms:*\",\"Resource\":\"*\"}");
      assertThat(eval(request(APP, "Encrypt").build(), policy(ALLOW_APP_USE), iamDeny).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
    }

    @Test
    void denyOnAccountPrincipalCoversEveryIdentityInIt() {
      String denyAccount =
          "{\"Sid\":\"DenyAcct\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(APP, "Decrypt").build(), policy(ALLOW_APP_USE, denyAccount)).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(eval(request(PARTNER, "Decrypt").build(), policy(denyAccount)).effect())
          .isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void notPrincipalDenyExemptsListedPrincipal() {
      String denyAllButApp =
          """
          {"Sid": "OnlyApp", "Effect": "Deny",
           "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/App"]},
           "Action": "kms:Decrypt", "Resource": "*"}""";
      String allowAll =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}";
      PolicyDocument kp = policy(allowAll, denyAllButApp);
      assertThat(eval(request(APP, "Decrypt").build(), kp).effect()).isEqualTo(Effect.ALLOW);
      AccessDecision alice = eval(request(ALICE, "Decrypt").build(), kp);
      assertThat(alice.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(alice.decidedBy()).isEqualTo("key policy statement 'OnlyApp'");
      assertThat(eval(request(ALICE, "Encrypt").build(), kp).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void keyPolicyDenyWithoutPrincipalFailsClosed() {
      PolicyDocument kp =
          policy(
              ALLOW_APP_USE,
              "{\"Sid\":\"NoPrincipal\",\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
      assertThat(eval(request(APP, "Decrypt").build(), kp).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
      PolicyDocument allowWithout =
          policy("{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
      assertThat(eval(request(APP, "Decrypt").build(), allowWithout).effect())
          .as("an Allow naming no principal allows no one")
          .isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void denyWithNotActionDeniesEverythingElse() {
      String denyAllButDecrypt =
          "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      String allowAll =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}";
      PolicyDocument kp = policy(allowAll, denyAllButDecrypt);
      assertThat(eval(request(APP, "Decrypt").build(), kp).effect()).isEqualTo(Effect.ALLOW);
      AccessDecision enc = eval(request(APP, "Encrypt").build(), kp);
      assertThat(enc.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(enc.decidedBy()).isEqualTo("key policy statement #1");
    }

    @Test
    void denyWithNullConditionRequiresEncryptionContext() {
      String denyNoContext =
          """
          {"Sid": "RequireContext", "Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt",
           "Resource": "*", "Condition": {"Null": {"kms:EncryptionContextKeys": "true"}}}""";
      PolicyDocument kp = policy(ALLOW_APP_USE, denyNoContext);
      assertThat(eval(request(APP, "Encrypt").build(), kp).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(
              eval(request(APP, "Encrypt").encryptionContext(Map.of("a", "b")).build(), kp)
                  .effect())
          .isEqualTo(Effect.ALLOW);
    }
  }

  @Nested
  class CrossAccount {
    static final String ALLOW_PARTNER_ACCOUNT =
        """
        {"Sid": "AllowPartnerAccount", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
         "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:ScheduleKeyDeletion"], "Resource": "*"}""";

    static final PolicyDocument PARTNER_IAM =
        PolicyDocument.parse(
                """
                {"Statement": {"Sid": "UsePartnerKey", "Effect": "Allow",
                 "Action": ["kms:Decrypt", "kms:ScheduleKeyDeletion"],
                 "Resource": "arn:aws:kms:us-east-1:111122223333:key/*"}}""")
            .withName("PartnerKms");

    @Test
    void bothSidesAllow() {
      AccessDecision d =
          eval(request(PARTNER, "Decrypt").build(), policy(ALLOW_PARTNER_ACCOUNT), PARTNER_IAM);
      assertThat(d.effect()).isEqualTo(Effect.ALLOW);
      assertThat(d.decidedBy())
          .contains("key policy statement 'AllowPartnerAccount'")
          .contains("IAM policy 'PartnerKms' statement 'UsePartnerKey'");
      assertThat(d.chain()).anyMatch(l -> l.contains("cross-account"));
    }

    @Test
    void keyPolicyOnlyIsNotEnough() {
      AccessDecision d = eval(request(PARTNER, "Decrypt").build(), policy(ALLOW_PARTNER_ACCOUNT));
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.chain()).anyMatch(l -> l.startsWith("caller side missing"));
      assertThat(d.decidedBy()).contains("the caller's IAM policy is missing");
    }

    @Test
    void iamPolicyOnlyIsNotEnough() {
      AccessDecision d = eval(request(PARTNER, "Decrypt").build(), policy(ENABLE_IAM), PARTNER_IAM);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.chain()).anyMatch(l -> l.startsWith("key side missing"));
      assertThat(d.decidedBy()).contains("the key policy side is missing");
    }

    @Test
    void keyPolicyNamingExternalRoleStillNeedsItsIamPolicy() {
      String allowPartnerRole =
          "{\"Sid\":\"PartnerRole\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:role/Partner\"},"
              + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(PARTNER, "Decrypt").build(), policy(allowPartnerRole)).allowed())
          .isFalse();
      assertThat(
              eval(request(PARTNER, "Decrypt").build(), policy(allowPartnerRole), PARTNER_IAM)
                  .allowed())
          .isTrue();
    }

    @Test
    void keyPolicyNamingExternalAccountByIdWorks() {
      String byId =
          "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(PARTNER, "Decrypt").build(), policy(byId), PARTNER_IAM).allowed())
          .isTrue();
    }

    @Test
    void wildcardPrincipalStillNeedsTheCallersIamPolicy() {
      String anyone =
          "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
      assertThat(eval(request(PARTNER, "Decrypt").build(), policy(anyone)).allowed()).isFalse();
      assertThat(eval(request(PARTNER, "Decrypt").build(), policy(anyone), PARTNER_IAM).allowed())
          .isTrue();
    }

    @Test
    void externalRootUserNeedsOnlyTheKeyPolicy() {
      AccessDecision d =
          eval(request(PARTNER_ROOT, "Decrypt").build(), policy(ALLOW_PARTNER_ACCOUNT));
      assertThat(d.allowed()).isTrue();
      assertThat(d.chain())
          .anyMatch(l -> l.contains("root user of account 444455556666 needs no IAM policy"));
    }

    @Test
    void keyPolicyForAnotherExternalAccountDoesNotHelp() {
      String third =
          "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::777788889999:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
      AccessDecision d = eval(request(PARTNER, "Decrypt").build(), policy(third), PARTNER_IAM);
      assertThat(d.allowed()).isFalse();
      assertThat(d.decidedBy()).contains("key policy side is missing");
    }

    @Test
    void managementOperationsAreNeverAllowedCrossAccount() {
      AccessDecision d =
          eval(
              request(PARTNER, "ScheduleKeyDeletion").build(),
              policy(ALLOW_PARTNER_ACCOUNT),
              PARTNER_IAM);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.decidedBy()).contains("cannot be called on a key in another account");
    }

    @Test
    void callerAccountConditionRestrictsToOneAccount() {
      String awsManagedStyle =
          """
          {"Sid": "ViaS3", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
           "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
           "kms:ViaService": "s3.us-east-1.amazonaws.com"}}}""";
      PolicyDocument kp = policy(awsManagedStyle);
      assertThat(
              eval(request(APP, "Decrypt").viaService("s3.us-east-1.amazonaws.com").build(), kp)
                  .allowed())
          .isTrue();
      AccessDecision direct = eval(request(APP, "Decrypt").build(), kp);
      assertThat(direct.allowed()).isFalse();
      assertThat(direct.chain())
          .anyMatch(l -> l.contains("'ViaS3'") && l.contains("kms:ViaService"));
      assertThat(
              eval(
                      request(PARTNER, "Decrypt").viaService("s3.us-east-1.amazonaws.com").build(),
                      kp,
                      PARTNER_IAM)
                  .allowed())
          .isFalse();
    }

    @Test
    void iamDenyInCallerAccountWinsCrossAccount() {
      PolicyDocument deny =
          policy("{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
      assertThat(
              eval(
                      request(PARTNER, "Decrypt").build(),
                      policy(ALLOW_PARTNER_ACCOUNT),
                      PARTNER_IAM,
                      deny)
                  .effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
    }
  }

  @Nested
  class EncryptionContextConditions {
    static final String TENANT_ONLY =
        """
        {"Sid": "TenantAcme", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:Decrypt",
         "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}}""";

    @Test
    void stringEqualsOnContextKey() {
      PolicyDocument kp = policy(TENANT_ONLY);
      assertThat(
              eval(request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build(), kp)
                  .allowed())
          .isTrue();
      AccessDecision wrong =
          eval(request(APP, "Decrypt").encryptionContext(Map.of("tenant", "evil")).build(), kp);
      assertThat(wrong.allowed()).isFalse();
      assertThat(wrong.chain())
          .anyMatch(
              l ->
                  l.contains("'TenantAcme'")
                      && l.contains("kms:EncryptionContext:tenant")
                      && l.contains("not met"));
      assertThat(eval(request(APP, "Decrypt").build(), kp).allowed()).isFalse();
    }

    @Test
    void forAllValuesAllowsOnlyListedKeysButAlsoEmptyContext() {
      String onlyKnownKeys =
          """
          {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
           "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant", "purpose"]}}}""";
      PolicyDocument kp = policy(onlyKnownKeys);
      assertThat(
              eval(request(APP, "Encrypt").encryptionContext(Map.of("tenant", "a")).build(), kp)
                  .allowed())
          .isTrue();
      assertThat(
              eval(
                      request(APP, "Encrypt")
                          .encryptionContext(Map.of("tenant", "a", "x", "y"))
                          .build(),
                      kp)
                  .allowed())
          .isFalse();
      assertThat(eval(request(APP, "Encrypt").build(), kp).allowed())
          .as("IAM: ForAllValues is true for an empty key set")
          .isTrue();
    }

    @Test
    void forAnyValueRequiresAtLeastOneListedKey() {
      String needsTenant =
          """
          {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
           "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "tenant"}}}""";
      PolicyDocument kp = policy(needsTenant);
      assertThat(
              eval(
                      request(APP, "Encrypt")
                          .encryptionContext(Map.of("tenant", "a", "x", "y"))
                          .build(),
                      kp)
                  .allowed())
          .isTrue();
      assertThat(
              eval(request(APP, "Encrypt").encryptionContext(Map.of("x", "y")).build(), kp)
                  .allowed())
          .isFalse();
      assertThat(eval(request(APP, "Encrypt").build(), kp).allowed()).isFalse();
    }

    @Test
    void singleValuedForAnyValueTrapEvaluatesLikeIam() {
      String trap =
          """
          {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
           "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContext:tenant": ["acme", "globex"]}}}""";
      PolicyDocument kp = policy(trap);
      assertThat(
              eval(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "globex")).build(),
                      kp)
                  .allowed())
          .isTrue();
      assertThat(
              eval(request(APP, "Decrypt").encryptionContext(Map.of("tenant", "other")).build(), kp)
                  .allowed())
          .isFalse();
      assertThat(eval(request(APP, "Decrypt").build(), kp).allowed()).isFalse();

      String allTrap = trap.replace("ForAnyValue", "ForAllValues");
      assertThat(eval(request(APP, "Decrypt").build(), policy(allTrap)).allowed())
          .as("ForAllValues on an absent single-valued key is vacuously true")
          .isTrue();
      assertThat(
              eval(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "other")).build(),
                      policy(allTrap))
                  .allowed())
          .isFalse();
    }

    @Test
    void multipleConditionsAreAndedAndValuesOred() {
      String both =
          """
          {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
           "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": ["acme", "globex"],
                                          "kms:EncryptionContext:purpose": "backup"},
                         "StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}}""";
      PolicyDocument kp = policy(both);
      AccessRequest.Builder ok =
          request(APP, "Decrypt")
              .encryptionContext(Map.of("tenant", "globex", "purpose", "backup"))
              .viaService("s3.eu-west-1.amazonaws.com");
      assertThat(eval(ok.build(), kp).allowed()).isTrue();
      assertThat(eval(ok.viaService("ebs.eu-west-1.amazonaws.com").build(), kp).allowed())
          .isFalse();
      assertThat(
              eval(
                      request(APP, "Decrypt")
                          .encryptionContext(Map.of("tenant", "globex", "purpose", "x"))
                          .viaService("s3.eu-west-1.amazonaws.com")
                          .build(),
                      kp)
                  .allowed())
          .isFalse();
    }

    @Test
    void ifExistsAllowsRequestsWithoutTheKey() {
      String ifExists =
          """
          {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
           "Condition": {"StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}""";
      PolicyDocument kp = policy(ifExists);
      assertThat(eval(request(APP, "Decrypt").build(), kp).allowed()).isTrue();
      assertThat(
              eval(request(APP, "Decrypt").viaService("s3.us-east-1.amazonaws.com").build(), kp)
                  .allowed())
          .isTrue();
      assertThat(
              eval(request(APP, "Decrypt").viaService("ebs.us-east-1.amazonaws.com").build(), kp)
                  .allowed())
          .isFalse();
    }

    @Test
    void iamPolicyConditionsAreEvaluatedToo() {
      PolicyDocument iam =
          policy(
              """
          {"Sid": "OnlyAcme", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
           "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}}""");
      assertThat(
              eval(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build(),
                      policy(ENABLE_IAM),
                      iam)
                  .allowed())
          .isTrue();
      AccessDecision d =
          eval(
              request(APP, "Decrypt").encryptionContext(Map.of("tenant", "x")).build(),
              policy(ENABLE_IAM),
              iam);
      assertThat(d.allowed()).isFalse();
      assertThat(d.chain()).anyMatch(l -> l.contains("'OnlyAcme' would allow but its condition"));
    }
  }

  @Nested
  class Chain {
    @Test
    void chainStartsWithTheRequestAndEndsWithTheDecision() {
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(ALLOW_APP_USE));
      assertThat(d.chain().get(0))
          .contains("arn:aws:iam::111122223333:role/App")
          .contains("kms:Decrypt")
          .contains(KEY_ARN)
          .contains("same account");
      assertThat(d.chain().get(d.chain().size() - 1)).startsWith("decision: ALLOW");
      assertThat(d.toString()).contains("ALLOW").contains("AllowUse");
    }

    @Test
    void chainIsImmutable() {
      AccessDecision d = eval(request(APP, "Decrypt").build(), policy(ALLOW_APP_USE));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.chain().add("x"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullIamAndGrantListsAreTreatedAsEmpty() {
      AccessDecision d =
          AccessEvaluator.evaluate(
              request(APP, "Decrypt").build(), policy(ALLOW_APP_USE), null, null);
      assertThat(d.allowed()).isTrue();
    }
  }

  @Test
  void operationNameIsCanonicalised() {
    AccessRequest r =
        AccessRequest.builder().caller(PARTNER).operation("kms:decrypt").keyArn(KEY_ARN).build();
    assertThat(r.operation()).isEqualTo("Decrypt");
    PolicyDocument kp =
        policy(
            "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    PolicyDocument iam =
        policy("{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    assertThat(eval(r, kp, iam).allowed())
        .as("cross-account rule uses the canonical name")
        .isTrue();
    assertThat(
            AccessRequest.builder()
                .caller(APP)
                .operation("CustomOp")
                .keyArn(KEY_ARN)
                .build()
                .operation())
        .isEqualTo("CustomOp");
  }

  @Test
  void operationMayCarryKmsPrefix() {
    AccessRequest r =
        AccessRequest.builder().caller(APP).operation("kms:Decrypt").keyArn(KEY_ARN).build();
    assertThat(r.operation()).isEqualTo("Decrypt");
    assertThat(r.action()).isEqualTo("kms:Decrypt");
    assertThat(r.keyAccountId()).isEqualTo("111122223333");
    assertThat(r.keyRegion()).isEqualTo("us-east-1");
    assertThat(eval(r, policy(ALLOW_APP_USE), List.of(), List.of()).allowed()).isTrue();
  }
}

package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.Fixtures.ALICE;
import static dev.envelope.aws.policy.Fixtures.APP;
import static dev.envelope.aws.policy.Fixtures.ENABLE_IAM;
import static dev.envelope.aws.policy.Fixtures.KEY_ACCT;
import static dev.envelope.aws.policy.Fixtures.KEY_ARN;
import static dev.envelope.aws.policy.Fixtures.OTHER_ACCT;
import static dev.envelope.aws.policy.Fixtures.PARTNER;
import static dev.envelope.aws.policy.Fixtures.ROOT;
import static dev.envelope.aws.policy.Fixtures.policy;
import static dev.envelope.aws.policy.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The whole IAM evaluation chain (IAM User Guide, "Policy evaluation logic") for KMS requests: SCPs
 * and RCPs (AWS Organizations User Guide, "Service control policies", "Resource control policies";
 * KMS developer guide, "Resource control policies in AWS KMS"), permissions boundaries and session
 * policies, and what each can and cannot limit.
 */
class PolicyEvaluationChainTest {
  static final String MGMT = "999988887777";
  static final String OUTSIDER = "555566667777";
  static final CallerIdentity SESSION =
      CallerIdentity.of("arn:aws:sts::" + KEY_ACCT + ":assumed-role/App/build-42");
  static final CallerIdentity SLR =
      CallerIdentity.of(
          "arn:aws:iam::"
              + KEY_ACCT
              + ":role/aws-service-role/autoscaling.amazonaws.com/"
              + "AWSServiceRoleForAutoScaling");

  static final String APP_ARN = APP.arn();

  static PolicyDocument identity(String json) {
    return PolicyDocument.parseIdentityPolicy(json);
  }

  static PolicyDocument allowIdentity(String action) {
    return identity(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\""
            + action
            + "\",\"Resource\":\"*\"}]}");
  }

  static final PolicyDocument DENY_DECRYPT =
      identity(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\","
              + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}");

  static String allowPrincipal(String sid, String arn) {
    return "{\"Sid\":\""
        + sid
        + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
        + arn
        + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
  }

  static Organization org(boolean fullAwsAccess, Organization.AttachedPolicy... policies) {
    Organization.Builder b =
        Organization.builder("o-exampleorg1")
            .rootId("r-root")
            .managementAccount(MGMT)
            .account(KEY_ACCT, List.of("ou-prod"))
            .account(OTHER_ACCT)
            .fullAwsAccess(fullAwsAccess);
    for (Organization.AttachedPolicy p : policies) {
      if (p.name().startsWith("RCP")) {
        b.rcp(p);
      } else {
        b.scp(p);
      }
    }
    return b.build();
  }

  static Organization.AttachedPolicy scp(String name, String target, String statement) {
    return new Organization.AttachedPolicy(
        name,
        identity("{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}").withName(name),
        Set.of(target));
  }

  static Organization.AttachedPolicy rcp(String name, String target, String statement) {
    return new Organization.AttachedPolicy(
        name,
        PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}")
            .withName(name),
        Set.of(target));
  }

  static final String SCP_DENY_DECRYPT =
      "{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";

  static AccessDecision eval(
      CallerIdentity caller,
      String op,
      PolicyDocument keyPolicy,
      CallerPolicies policies,
      Organization org,
      Grant... grants) {
    return AccessEvaluator.evaluate(
        request(caller, op).build(), keyPolicy, policies, List.of(grants), org);
  }

  static final PolicyDocument DEFAULT = policy(ENABLE_IAM);
  static final CallerPolicies KMS_ALL = CallerPolicies.of(List.of(allowIdentity("kms:*")));

  @Nested
  class ServiceControlPolicies {
    @Test
    void aDenyInAnScpOfAMemberAccountWinsOverEveryAllow() {
      Organization o = org(true, scp("NoDecrypt", "ou-prod", SCP_DENY_DECRYPT));
      AccessDecision d = eval(APP, "Decrypt", DEFAULT, KMS_ALL, o);
      assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.SCP);
      assertThat(d.decidedBy()).contains("SCP 'NoDecrypt'").contains("ou-prod");
      assertThat(d.remedy()).get().asString().contains("remove SCP 'NoDecrypt'");
      // The key policy naming the role directly does not help: SCPs limit the principal.
      PolicyDocument direct = policy(allowPrincipal("App", APP_ARN));
      assertThat(eval(APP, "Decrypt", direct, CallerPolicies.none(), o).layer())
          .isEqualTo(PolicyLayer.SCP);
      // Nor does a grant.
      Grant g = Fixtures.grant("g1", APP, List.of("Decrypt"));
      assertThat(eval(APP, "Decrypt", policy(ENABLE_IAM), CallerPolicies.none(), o, g).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
      // Other actions are untouched.
      assertThat(eval(APP, "Encrypt", DEFAULT, KMS_ALL, o).allowed()).isTrue();
    }

    @Test
    void scpsLimitTheRootUserOfAMemberAccount() {
      Organization o = org(true, scp("NoDecrypt", "r-root", SCP_DENY_DECRYPT));
      assertThat(eval(ROOT, "Decrypt", DEFAULT, CallerPolicies.none(), o).effect())
          .isEqualTo(Effect.EXPLICIT_DENY);
    }

    @Test
    void scpsDoNotAffectTheManagementAccountNorServiceLinkedRolesNorOutsiders() {
      Organization o = org(true, scp("NoDecrypt", "r-root", SCP_DENY_DECRYPT));
      CallerIdentity mgmt = CallerIdentity.of("arn:aws:iam::" + MGMT + ":role/Ops");
      PolicyDocument trustsAll =
          policy(
              ENABLE_IAM,
              allowPrincipal("Mgmt", mgmt.arn()),
              allowPrincipal("Slr", SLR.arn()),
              allowPrincipal("Out", "arn:aws:iam::" + OUTSIDER + ":role/X"));
      assertThat(eval(mgmt, "Decrypt", trustsAll, KMS_ALL, o).allowed()).isTrue();
      assertThat(eval(SLR, "Decrypt", trustsAll, CallerPolicies.none(), o).allowed()).isTrue();
      CallerIdentity outsider = CallerIdentity.of("arn:aws:iam::" + OUTSIDER + ":role/X");
      assertThat(eval(outsider, "Decrypt", trustsAll, KMS_ALL, o).allowed()).isTrue();
    }

    @Test
    void withoutFullAwsAccessEveryLevelNeedsAnAllow() {
      String allowKms = "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}";
      Organization rootOnly = org(false, scp("KmsAtRoot", "r-root", allowKms));
      AccessDecision d = eval(APP, "Decrypt", DEFAULT, KMS_ALL, rootOnly);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.SCP);
      assertThat(d.decidedBy()).contains("no service control policy attached to ou-prod");
      assertThat(d.remedy()).get().asString().contains("attach to ou-prod");
      Organization everyLevel =
          org(
              false,
              scp("KmsAtRoot", "r-root", allowKms),
              scp("KmsAtOu", "ou-prod", allowKms),
              scp("KmsAtAccount", KEY_ACCT, allowKms));
      assertThat(eval(APP, "Decrypt", DEFAULT, KMS_ALL, everyLevel).allowed()).isTrue();
    }
  }

  @Nested
  class ResourceControlPolicies {
    /** The KMS developer guide's example RCP: keep principals outside the organization out. */
    static final String PERIMETER =
        "{\"Sid\":\"RCPEnforceIdentityPerimeter\",\"Effect\":\"Deny\",\"Principal\":\"*\","
            + "\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIfExists\":"
            + "{\"aws:PrincipalOrgID\":\"o-exampleorg1\"},\"Bool\":"
            + "{\"aws:PrincipalIsAWSService\":\"false\"}}}";

    @Test
    void anRcpKeepsOutsidersOutWhateverTheKeyPolicySays() {
      Organization o = org(true, rcp("RCP-Perimeter", "r-root", PERIMETER));
      CallerIdentity outsider = CallerIdentity.of("arn:aws:iam::" + OUTSIDER + ":role/X");
      PolicyDocument open = policy(ENABLE_IAM, allowPrincipal("Out", outsider.arn()));
      AccessDecision d = eval(outsider, "Decrypt", open, KMS_ALL, o);
      assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.RCP);
      // A principal of the organization (aws:PrincipalOrgID comes from the organization) passes.
      PolicyDocument partner = policy(ENABLE_IAM, allowPrincipal("Partner", PARTNER.arn()));
      assertThat(eval(PARTNER, "Decrypt", partner, KMS_ALL, o).allowed()).isTrue();
    }

    @Test
    void rcpsDoNotApplyToKeysOfTheManagementAccountNorToRetireGrant() {
      Organization o = org(true, rcp("RCP-Perimeter", "r-root", PERIMETER));
      CallerIdentity outsider = CallerIdentity.of("arn:aws:iam::" + OUTSIDER + ":role/X");
      String mgmtKey = "arn:aws:kms:us-east-1:" + MGMT + ":key/k";
      PolicyDocument open = policy(allowPrincipal("Out", outsider.arn()));
      AccessRequest r =
          AccessRequest.builder().caller(outsider).operation("Decrypt").keyArn(mgmtKey).build();
      assertThat(AccessEvaluator.evaluate(r, open, KMS_ALL, List.of(), o).allowed()).isTrue();
      Grant g =
          new Grant(
              "g",
              KEY_ARN,
              outsider.arn(),
              outsider.arn(),
              Set.of("Decrypt"),
              null,
              null,
              null,
              KEY_ACCT);
      AccessDecision retire =
          AccessEvaluator.evaluateRetireGrant(
              request(outsider, "RetireGrant").build(), g, KMS_ALL, o);
      assertThat(retire.allowed()).isTrue();
    }
  }

  @Nested
  class PermissionsBoundaries {
    static final PolicyDocument ONLY_ENCRYPT =
        identity(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                    + "\"kms:Encrypt\",\"Resource\":\"*\"}]}")
            .withName("OnlyEncrypt");

    static CallerPolicies bounded(PolicyDocument identityPolicy) {
      return CallerPolicies.builder()
          .identityPolicy(identityPolicy)
          .permissionsBoundary(ONLY_ENCRYPT)
          .build();
    }

    @Test
    void aBoundaryLimitsWhatIdentityPoliciesAllow() {
      AccessDecision d = eval(APP, "Decrypt", DEFAULT, bounded(allowIdentity("kms:*")), null);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.PERMISSIONS_BOUNDARY);
      assertThat(d.remedy())
          .get()
          .asString()
          .contains("kms:Decrypt")
          .contains("permissions boundary 'OnlyEncrypt'");
      assertThat(eval(APP, "Encrypt", DEFAULT, bounded(allowIdentity("kms:*")), null).allowed())
          .isTrue();
    }

    @Test
    void aBoundaryGrantsNothingByItself() {
      CallerPolicies onlyBoundary =
          CallerPolicies.builder().permissionsBoundary(ONLY_ENCRYPT).build();
      AccessDecision d = eval(APP, "Encrypt", DEFAULT, onlyBoundary, null);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.IDENTITY_POLICY);
    }

    /**
     * "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit
     * deny in a permissions boundary"; an IAM user named directly is not.
     */
    @Test
    void aKeyPolicyNamingARoleIsLimitedButOneNamingAUserIsNot() {
      PolicyDocument namesRole = policy(allowPrincipal("App", APP_ARN));
      assertThat(eval(APP, "Decrypt", namesRole, bounded(allowIdentity("kms:*")), null).layer())
          .isEqualTo(PolicyLayer.PERMISSIONS_BOUNDARY);
      PolicyDocument namesUser = policy(allowPrincipal("Alice", ALICE.arn()));
      AccessDecision alice =
          eval(ALICE, "Decrypt", namesUser, bounded(allowIdentity("kms:*")), null);
      assertThat(alice.allowed()).isTrue();
      assertThat(alice.layer()).isEqualTo(PolicyLayer.KEY_POLICY);
    }

    @Test
    void aDenyInABoundaryIsAnExplicitDeny() {
      CallerPolicies p =
          CallerPolicies.builder()
              .identityPolicy(allowIdentity("kms:*"))
              .permissionsBoundary(DENY_DECRYPT.withName("NoDecryptBoundary"))
              .build();
      AccessDecision d = eval(APP, "Decrypt", policy(allowPrincipal("App", APP_ARN)), p, null);
      assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.PERMISSIONS_BOUNDARY);
    }

    @Test
    void aBoundaryLimitsTheCallerSideOfCrossAccountAccess() {
      PolicyDocument trustsPartner = policy(allowPrincipal("Partner", PARTNER.arn()));
      assertThat(eval(PARTNER, "Decrypt", trustsPartner, KMS_ALL, null).allowed()).isTrue();
      AccessDecision d =
          eval(PARTNER, "Decrypt", trustsPartner, bounded(allowIdentity("kms:*")), null);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.PERMISSIONS_BOUNDARY);
    }
  }

  @Nested
  class SessionPolicies {
    static final PolicyDocument SESSION_ONLY_ENCRYPT =
        identity(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                    + "\"kms:Encrypt\",\"Resource\":\"*\"}]}")
            .withName("build-session");

    static CallerPolicies session(PolicyDocument identityPolicy) {
      return CallerPolicies.builder()
          .identityPolicy(identityPolicy)
          .sessionPolicy(SESSION_ONLY_ENCRYPT)
          .build();
    }

    @Test
    void aSessionPolicyLimitsWhatIdentityPoliciesAllow() {
      AccessDecision d = eval(SESSION, "Decrypt", DEFAULT, session(allowIdentity("kms:*")), null);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.SESSION_POLICY);
      assertThat(d.remedy()).get().asString().contains("session policy");
      assertThat(eval(SESSION, "Encrypt", DEFAULT, session(allowIdentity("kms:*")), null).allowed())
          .isTrue();
    }

    /**
     * IAM User Guide, "Policy evaluation logic": a resource-based policy naming the role is limited
     * by the session policy; one naming the role session ARN grants to the session directly and is
     * not.
     */
    @Test
    void aKeyPolicyNamingTheRoleIsLimitedButOneNamingTheSessionIsNot() {
      PolicyDocument namesRole = policy(allowPrincipal("App", APP_ARN));
      AccessDecision role = eval(SESSION, "Decrypt", namesRole, session(DENY_NOTHING), null);
      assertThat(role.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(role.layer()).isEqualTo(PolicyLayer.SESSION_POLICY);
      PolicyDocument namesSession = policy(allowPrincipal("Build", SESSION.arn()));
      AccessDecision direct = eval(SESSION, "Decrypt", namesSession, session(DENY_NOTHING), null);
      assertThat(direct.allowed()).isTrue();
      assertThat(direct.layer()).isEqualTo(PolicyLayer.KEY_POLICY);
    }

    @Test
    void sessionPoliciesDoNotApplyToCallersThatAreNoSessions() {
      // A misconfigured session policy on a role or user limits nothing.
      AccessDecision d = eval(APP, "Decrypt", DEFAULT, session(allowIdentity("kms:*")), null);
      assertThat(d.allowed()).isTrue();
    }

    @Test
    void aGrantToTheRoleIsLimitedByTheSessionPolicyAGrantToTheSessionIsNot() {
      PolicyDocument adminOnly =
          policy(allowPrincipal("Admin", "arn:aws:iam::" + KEY_ACCT + ":role/Admin"));
      Grant toRole = Fixtures.grant("g-role", APP, List.of("Decrypt"));
      AccessDecision d = eval(SESSION, "Decrypt", adminOnly, session(DENY_NOTHING), null, toRole);
      assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
      assertThat(d.layer()).isEqualTo(PolicyLayer.GRANT);
      assertThat(d.decidedBy()).contains("session policy");
      Grant toSession = Fixtures.grant("g-session", SESSION, List.of("Decrypt"));
      assertThat(
              eval(SESSION, "Decrypt", adminOnly, session(DENY_NOTHING), null, toSession).layer())
          .isEqualTo(PolicyLayer.GRANT);
      assertThat(
              eval(SESSION, "Decrypt", adminOnly, session(DENY_NOTHING), null, toSession).allowed())
          .isTrue();
    }
  }

  static final PolicyDocument DENY_NOTHING =
      identity(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":"
              + "\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}]}");

  @Nested
  class ConditionsAndConstraints {
    /**
     * IAM User Guide, "IAM JSON policy elements: Condition": condition key names are not case
     * sensitive; StringEquals compares values case-sensitively, StringEqualsIgnoreCase does not.
     */
    @Test
    void keyNamesIgnoreCaseValuesFollowTheOperator() {
      PolicyDocument kp =
          policy(
              "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                  + APP_ARN
                  + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                  + "{\"StringEquals\":{\"KMS:ENCRYPTIONCONTEXT:Tenant\":\"acme\"}}}");
      assertThat(
              AccessEvaluator.evaluate(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build(),
                      kp,
                      List.of(),
                      List.of())
                  .allowed())
          .isTrue();
      assertThat(
              AccessEvaluator.evaluate(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "ACME")).build(),
                      kp,
                      List.of(),
                      List.of())
                  .allowed())
          .isFalse();
      PolicyDocument ignoreCase =
          policy(
              "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                  + APP_ARN
                  + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                  + "{\"StringEqualsIgnoreCase\":{\"kms:EncryptionContext:tenant\":\"acme\"}}}");
      assertThat(
              AccessEvaluator.evaluate(
                      request(APP, "Decrypt").encryptionContext(Map.of("tenant", "ACME")).build(),
                      ignoreCase,
                      List.of(),
                      List.of())
                  .allowed())
          .isTrue();
    }

    /**
     * KMS API reference, GrantConstraints: "in a grant constraint, the key in each key-value pair
     * is not case sensitive, but the value is case sensitive".
     */
    @Test
    void grantConstraintKeysIgnoreCaseValuesDoNot() {
      PolicyDocument none = policy(allowPrincipal("Admin", "arn:aws:iam::" + KEY_ACCT + ":role/A"));
      Grant g = Fixtures.grant("g", APP, List.of("Decrypt"), null, Map.of("Tenant", "acme"));
      AccessRequest keyCase =
          request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build();
      AccessRequest valueCase =
          request(APP, "Decrypt").encryptionContext(Map.of("Tenant", "Acme")).build();
      assertThat(AccessEvaluator.evaluate(keyCase, none, List.of(), List.of(g)).allowed()).isTrue();
      AccessDecision d = AccessEvaluator.evaluate(valueCase, none, List.of(), List.of(g));
      assertThat(d.allowed()).isFalse();
      assertThat(d.layer()).isEqualTo(PolicyLayer.GRANT);
      assertThat(d.remedy()).get().asString().contains("Tenant=acme");
    }

    @Test
    void theOrganizationSuppliesPrincipalAndResourceOrgIds() {
      Organization o = org(true);
      PolicyDocument kp =
          policy(
              "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":"
                  + "\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-exampleorg1\","
                  + "\"aws:ResourceOrgID\":\"o-exampleorg1\"},\"StringLike\":"
                  + "{\"aws:PrincipalOrgPaths\":\"o-exampleorg1/r-root/*\"}}}");
      assertThat(eval(PARTNER, "Decrypt", kp, KMS_ALL, o).allowed()).isTrue();
      CallerIdentity outsider = CallerIdentity.of("arn:aws:iam::" + OUTSIDER + ":role/X");
      assertThat(eval(outsider, "Decrypt", kp, KMS_ALL, o).allowed()).isFalse();
    }
  }

  @Nested
  class Remedies {
    @Test
    void aMissingKeyPolicyStatementIsNamedWithTheStatementToAdd() {
      PolicyDocument adminOnly =
          policy(allowPrincipal("Admin", "arn:aws:iam::" + KEY_ACCT + ":role/Admin"));
      AccessDecision d = eval(APP, "Decrypt", adminOnly, KMS_ALL, null);
      assertThat(d.layer()).isEqualTo(PolicyLayer.KEY_POLICY);
      assertThat(d.remedy())
          .get()
          .asString()
          .contains("add to the key policy")
          .contains(APP_ARN)
          .contains("kms:Decrypt");
    }

    @Test
    void aMissingIdentityPolicyIsNamedWhenTheKeyPolicyDelegates() {
      AccessDecision d = eval(APP, "Decrypt", DEFAULT, CallerPolicies.none(), null);
      assertThat(d.layer()).isEqualTo(PolicyLayer.IDENTITY_POLICY);
      assertThat(d.remedy()).get().asString().contains("identity policy").contains(KEY_ARN);
    }

    @Test
    void anExplicitDenyNamesTheStatementToRemove() {
      AccessDecision d =
          eval(
              APP,
              "Decrypt",
              DEFAULT,
              CallerPolicies.of(List.of(allowIdentity("kms:*"), DENY_DECRYPT)),
              null);
      assertThat(d.layer()).isEqualTo(PolicyLayer.IDENTITY_POLICY);
      assertThat(d.remedy()).get().asString().startsWith("remove IAM policy").contains("NoDecrypt");
    }

    @Test
    void anAllowHasNoRemedy() {
      assertThat(eval(APP, "Decrypt", DEFAULT, KMS_ALL, null).remedy()).isEmpty();
    }
  }
}

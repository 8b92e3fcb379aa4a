package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.Fixtures.ALICE;
import static dev.envelope.aws.policy.Fixtures.APP;
import static dev.envelope.aws.policy.Fixtures.KEY_ACCT;
import static dev.envelope.aws.policy.Fixtures.OTHER_KEY_ARN;
import static dev.envelope.aws.policy.Fixtures.PARTNER;
import static dev.envelope.aws.policy.Fixtures.grant;
import static dev.envelope.aws.policy.Fixtures.policy;
import static dev.envelope.aws.policy.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantEvaluationTest {

  /**
   * A key policy that allows only an administrator: all access in these tests comes from grants.
   */
  static final PolicyDocument ADMIN_ONLY =
      policy(
          "{\"Sid\":\"Admin\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/Admin\"},"
              + "\"Action\":\"kms:*\",\"Resource\":\"*\"}");

  /** RetireGrant by {@code caller} on the key of the fixtures' grants. */
  private static AccessDecision retire(CallerIdentity caller, Grant g, PolicyDocument... iam) {
    return AccessEvaluator.evaluateRetireGrant(
        request(caller, "RetireGrant").build(), g, List.of(iam));
  }

  private static AccessDecision eval(AccessRequest r, PolicyDocument kp, Grant... grants) {
    return AccessEvaluator.evaluate(r, kp, List.of(), List.of(grants));
  }

  @Test
  void grantAllowsItsOperationsForTheGrantee() {
    Grant g = grant("g-1", APP, List.of("Decrypt", "GenerateDataKey"));
    AccessDecision d = eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g);
    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(d.decidedBy()).isEqualTo("grant g-1");
    assertThat(d.chain()).anyMatch(l -> l.contains("grant g-1 allows Decrypt"));
  }

  @Test
  void grantDoesNotAllowOtherOperations() {
    Grant g = grant("g-1", APP, List.of("Decrypt"));
    AccessDecision d = eval(request(APP, "Encrypt").build(), ADMIN_ONLY, g);
    assertThat(d.effect()).isEqualTo(Effect.IMPLICIT_DENY);
    assertThat(d.decidedBy()).contains("grant g-1 names the caller but does not include Encrypt");
  }

  @Test
  void grantOperationsAreExactNotPrefixes() {
    Grant g = grant("g-1", APP, List.of("GenerateDataKey"));
    assertThat(
            eval(request(APP, "GenerateDataKeyWithoutPlaintext").build(), ADMIN_ONLY, g).allowed())
        .isFalse();
  }

  @Test
  void grantForAnotherPrincipalDoesNotApply() {
    Grant g = grant("g-1", ALICE, List.of("Decrypt"));
    AccessDecision d = eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g);
    assertThat(d.allowed()).isFalse();
    assertThat(d.chain()).anyMatch(l -> l.contains("no grant on the key names the caller"));
  }

  @Test
  void grantForAnotherKeyDoesNotApply() {
    Grant g =
        new Grant(
            "g-2", OTHER_KEY_ARN, APP.arn(), null, Set.of("Decrypt"), null, null, null, KEY_ACCT);
    assertThat(eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g).allowed()).isFalse();
  }

  @Test
  void grantToRoleCoversItsSessions() {
    CallerIdentity session = CallerIdentity.of("arn:aws:sts::111122223333:assumed-role/App/s1");
    assertThat(
            eval(
                    request(session, "Decrypt").build(),
                    ADMIN_ONLY,
                    grant("g", APP, List.of("Decrypt")))
                .allowed())
        .isTrue();
  }

  @Test
  void encryptionContextEqualsConstraint() {
    Grant g = grant("g-eq", APP, List.of("Decrypt"), Map.of("tenant", "acme"), null);
    assertThat(
            eval(
                    request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build(),
                    ADMIN_ONLY,
                    g)
                .allowed())
        .isTrue();
    AccessDecision extra =
        eval(
            request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme", "x", "y")).build(),
            ADMIN_ONLY,
            g);
    assertThat(extra.allowed()).as("Equals forbids additional pairs").isFalse();
    assertThat(extra.decidedBy()).contains("grant g-eq").contains("EncryptionContextEquals");
    assertThat(
            eval(
                    request(APP, "Decrypt").encryptionContext(Map.of("tenant", "ACME")).build(),
                    ADMIN_ONLY,
                    g)
                .allowed())
        .as("values are case-sensitive")
        .isFalse();
    assertThat(eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g).allowed()).isFalse();
  }

  @Test
  void encryptionContextSubsetConstraint() {
    Grant g = grant("g-sub", APP, List.of("Decrypt", "Encrypt"), null, Map.of("tenant", "acme"));
    assertThat(
            eval(
                    request(APP, "Decrypt")
                        .encryptionContext(Map.of("tenant", "acme", "x", "y"))
                        .build(),
                    ADMIN_ONLY,
                    g)
                .allowed())
        .isTrue();
    AccessDecision missing =
        eval(request(APP, "Encrypt").encryptionContext(Map.of("x", "y")).build(), ADMIN_ONLY, g);
    assertThat(missing.allowed()).isFalse();
    assertThat(missing.chain())
        .anyMatch(l -> l.contains("EncryptionContextSubset") && l.contains("lacks tenant=acme"));
    assertThat(
            eval(
                    request(APP, "Decrypt").encryptionContext(Map.of("tenant", "other")).build(),
                    ADMIN_ONLY,
                    g)
                .allowed())
        .isFalse();
  }

  @Test
  void constraintKeysAreCaseInsensitiveAsKmsDocuments() {
    Grant g = grant("g", APP, List.of("Decrypt"), null, Map.of("Tenant", "acme"));
    assertThat(
            eval(
                    request(APP, "Decrypt").encryptionContext(Map.of("tenant", "acme")).build(),
                    ADMIN_ONLY,
                    g)
                .allowed())
        .isTrue();
  }

  @Test
  void constraintsDoNotApplyToOperationsWithoutEncryptionContext() {
    Grant g = grant("g", APP, List.of("DescribeKey", "Decrypt"), Map.of("tenant", "acme"), null);
    assertThat(eval(request(APP, "DescribeKey").build(), ADMIN_ONLY, g).allowed()).isTrue();
    assertThat(eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g).allowed()).isFalse();
  }

  @Test
  void laterGrantCanAllowWhenEarlierOneFails() {
    Grant strict = grant("g-strict", APP, List.of("Decrypt"), Map.of("tenant", "acme"), null);
    Grant loose = grant("g-loose", APP, List.of("Decrypt"));
    AccessDecision d = eval(request(APP, "Decrypt").build(), ADMIN_ONLY, strict, loose);
    assertThat(d.decidedBy()).isEqualTo("grant g-loose");
    assertThat(d.chain()).anyMatch(l -> l.contains("g-strict") && l.contains("constraint"));
  }

  @Test
  void explicitDenyInKeyPolicyOverridesGrant() {
    PolicyDocument kp =
        policy(
            "{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    AccessDecision d =
        eval(request(APP, "Decrypt").build(), kp, grant("g", APP, List.of("Decrypt")));
    assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
    assertThat(d.decidedBy()).isEqualTo("key policy statement 'NoDecrypt'");
    assertThat(d.chain()).anyMatch(l -> l.contains("overrides every allow"));
  }

  @Test
  void explicitDenyInIamPolicyOverridesGrant() {
    PolicyDocument iamDeny =
        policy("{\"Effect\":\"Deny\",\"Action\":\"kms:*\",\"Resource\":\"*\"}");
    AccessDecision d =
        AccessEvaluator.evaluate(
            request(APP, "Decrypt").build(),
            ADMIN_ONLY,
            List.of(iamDeny),
            List.of(grant("g", APP, List.of("Decrypt"))));
    assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
  }

  @Test
  void crossAccountGranteeNeedsNoKeyPolicyOrIamPolicy() {
    Grant g = grant("g-x", PARTNER, List.of("Decrypt"));
    AccessDecision d = eval(request(PARTNER, "Decrypt").build(), ADMIN_ONLY, g);
    assertThat(d.allowed()).isTrue();
    assertThat(d.decidedBy()).isEqualTo("grant g-x");
  }

  @Test
  void grantToAccountCoversRootAndIdentitiesWhoseIamPolicyAllows() {
    Grant g =
        new Grant(
            "g-acct",
            Fixtures.KEY_ARN,
            "arn:aws:iam::111122223333:root",
            null,
            Set.of("Decrypt"),
            null,
            null,
            "acct",
            KEY_ACCT);
    assertThat(eval(request(Fixtures.ROOT, "Decrypt").build(), ADMIN_ONLY, g).allowed()).isTrue();
    assertThat(eval(request(APP, "Decrypt").build(), ADMIN_ONLY, g).allowed()).isFalse();
    PolicyDocument iam =
        policy("{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    AccessDecision d =
        AccessEvaluator.evaluate(
            request(APP, "Decrypt").build(), ADMIN_ONLY, List.of(iam), List.of(g));
    assertThat(d.allowed()).isTrue();
    assertThat(d.decidedBy()).isEqualTo("grant g-acct");
    assertThat(d.chain()).anyMatch(l -> l.contains("grant g-acct ('acct') allows Decrypt"));
  }

  @Test
  void grantRecordCopiesCollections() {
    Map<String, String> ec = new HashMap<>(Map.of("a", "b"));
    Grant g =
        new Grant(
            "g",
            Fixtures.KEY_ARN,
            APP.arn(),
            null,
            new java.util.HashSet<>(Set.of("Decrypt")),
            ec,
            null,
            null,
            KEY_ACCT);
    ec.put("c", "d");
    assertThat(g.encryptionContextEquals()).containsOnlyKeys("a");
    assertThat(g.encryptionContextSubset()).isEmpty();
    assertThat(g.hasConstraints()).isTrue();
    assertThat(grant("h", APP, List.of("Decrypt")).hasConstraints()).isFalse();
  }

  @Test
  void retiringPrincipalGranteeWithRetireGrantAndIssuingRootMayRetire() {
    Grant g =
        new Grant(
            "g-r",
            Fixtures.KEY_ARN,
            APP.arn(),
            ALICE.arn(),
            Set.of("Decrypt"),
            null,
            null,
            null,
            KEY_ACCT);
    AccessDecision byRetirer = retire(ALICE, g);
    assertThat(byRetirer.allowed()).isTrue();
    assertThat(byRetirer.decidedBy()).contains("retiring principal");
    assertThat(retire(APP, g).allowed()).as("grantee without RetireGrant").isFalse();
    assertThat(retire(Fixtures.ROOT, g).allowed()).isTrue();
    assertThat(retire(Fixtures.PARTNER_ROOT, g).allowed()).isFalse();

    Grant selfRetiring =
        new Grant(
            "g-s",
            Fixtures.KEY_ARN,
            APP.arn(),
            null,
            Set.of("Decrypt", "RetireGrant"),
            null,
            null,
            null,
            KEY_ACCT);
    assertThat(retire(APP, selfRetiring).allowed()).isTrue();
    assertThat(retire(ALICE, selfRetiring).effect()).isEqualTo(Effect.IMPLICIT_DENY);
  }

  @Test
  void retiringIsDelegatedByIamPolicyOnlyWithinTheAccountsTheGrantNames() {
    PolicyDocument mayRetire =
        PolicyDocument.parseIdentityPolicy(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:RetireGrant\",\"Resource\":\"*\"}}");
    // Created in the key's account, retiring principal in the partner's account.
    Grant g =
        new Grant(
            "g-d",
            Fixtures.KEY_ARN,
            APP.arn(),
            "arn:aws:iam::444455556666:root",
            Set.of("Decrypt"),
            null,
            null,
            null,
            "arn:aws:iam::" + KEY_ACCT + ":root");
    assertThat(retire(ALICE, g).allowed()).as("no delegation without an IAM policy").isFalse();
    AccessDecision delegated = retire(ALICE, g, mayRetire);
    assertThat(delegated.allowed()).as("the key's account delegates").isTrue();
    assertThat(delegated.decidedBy()).contains("allows kms:RetireGrant");
    assertThat(retire(Fixtures.ROOT, g).allowed())
        .as("issuing account given as its root ARN")
        .isTrue();
    assertThat(retire(Fixtures.PARTNER_ROOT, g).allowed())
        .as("the retiring account's root user")
        .isTrue();
    assertThat(retire(PARTNER, g).allowed()).isFalse();
    assertThat(retire(PARTNER, g, mayRetire).allowed())
        .as("the retiring account delegates")
        .isTrue();
    CallerIdentity third = CallerIdentity.of("arn:aws:iam::777788889999:role/X");
    assertThat(retire(third, g, mayRetire).allowed())
        .as("an unrelated account cannot delegate what it does not have")
        .isFalse();
  }

  @Test
  void theKeysAccountDelegatesRetiringNotAnotherAccountThatCreatedTheGrant() {
    PolicyDocument mayRetire =
        PolicyDocument.parseIdentityPolicy(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:RetireGrant\",\"Resource\":\"*\"}}");
    // The partner account created this grant on the key account's key (cross-account CreateGrant).
    Grant g =
        new Grant(
            "g-p",
            Fixtures.KEY_ARN,
            APP.arn(),
            null,
            Set.of("Decrypt"),
            null,
            null,
            null,
            "arn:aws:iam::444455556666:root");
    AccessDecision byOwner = retire(ALICE, g, mayRetire);
    assertThat(byOwner.allowed()).as("the account that owns the key delegates").isTrue();
    assertThat(byOwner.decidedBy()).contains("owns the key");
    assertThat(retire(ALICE, g).allowed()).as("not without an IAM policy").isFalse();
    assertThat(retire(PARTNER, g, mayRetire).allowed())
        .as("the creating account retires as its root user, it delegates nothing")
        .isFalse();
    assertThat(retire(Fixtures.PARTNER_ROOT, g).allowed()).isTrue();
  }

  @Test
  void retireGrantConditionsSeeTheRequestItWasGiven() {
    // A common guard: deny everything from outside the corporate network.
    PolicyDocument guarded =
        PolicyDocument.parseIdentityPolicy(
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"kms:*\","
                + "\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":"
                + "{\"aws:SourceIp\":\"10.0.0.0/8\"}}}}");
    Grant g =
        new Grant(
            "g-i",
            Fixtures.KEY_ARN,
            APP.arn(),
            ALICE.arn(),
            Set.of("Decrypt"),
            null,
            null,
            null,
            KEY_ACCT);
    AccessRequest inside =
        request(ALICE, "RetireGrant").contextValue("aws:SourceIp", "10.1.2.3").build();
    AccessRequest outside =
        request(ALICE, "RetireGrant").contextValue("aws:SourceIp", "198.51.100.7").build();
    assertThat(AccessEvaluator.evaluateRetireGrant(inside, g, List.of(guarded)).allowed()).isTrue();
    assertThat(AccessEvaluator.evaluateRetireGrant(outside, g, List.of(guarded)).effect())
        .isEqualTo(Effect.EXPLICIT_DENY);
  }

  @Test
  void iamDenyOfRetireGrantWinsOverTheGrantsOwnPrincipals() {
    PolicyDocument noRetire =
        PolicyDocument.parseIdentityPolicy(
            "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"kms:Retire*\",\"Resource\":\"*\"}}");
    Grant g =
        new Grant(
            "g-x",
            Fixtures.KEY_ARN,
            APP.arn(),
            ALICE.arn(),
            Set.of("Decrypt", "RetireGrant"),
            null,
            null,
            null,
            KEY_ACCT);
    AccessDecision d = retire(ALICE, g, noRetire);
    assertThat(d.effect()).isEqualTo(Effect.EXPLICIT_DENY);
    assertThat(retire(APP, g, noRetire).effect()).isEqualTo(Effect.EXPLICIT_DENY);
  }

  @Test
  void aRoleNamedInTheGrantCoversItsSessionsForRetiring() {
    Grant g =
        new Grant(
            "g-s2",
            Fixtures.KEY_ARN,
            PARTNER.arn(),
            "arn:aws:iam::" + KEY_ACCT + ":role/ops/Retirer",
            Set.of("Decrypt"),
            null,
            null,
            null,
            KEY_ACCT);
    CallerIdentity session =
        CallerIdentity.of("arn:aws:sts::" + KEY_ACCT + ":assumed-role/Retirer/job-17");
    assertThat(retire(session, g).allowed()).isTrue();
  }

  @Test
  void grantTokensAreMentionedInTheChain() {
    AccessDecision d =
        eval(
            request(APP, "Decrypt").grantTokensPresented(true).build(),
            ADMIN_ONLY,
            grant("g", APP, List.of("Decrypt")));
    assertThat(d.chain().get(0)).contains("grant tokens presented");
  }

  @Test
  void policiesAreConsultedBeforeGrants() {
    Grant g = grant("g", APP, List.of("Decrypt"));
    AccessDecision d =
        eval(request(APP, "Decrypt").build(), policy(AccessEvaluatorTest.ALLOW_APP_USE), g);
    assertThat(d.decidedBy()).isEqualTo("key policy statement 'AllowUse'");
  }
}

package dev.envelope.aws.policy.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.aws.policy.Effect;
import dev.envelope.aws.policy.Grant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccessDoctorTest {
  static final String A = "111122223333";
  static final String APP = "arn:aws:iam::" + A + ":role/App";
  static final String PARTNER = "arn:aws:iam::444455556666:role/Partner";
  static final String PARTNER_NOIAM = "arn:aws:iam::444455556666:role/PartnerNoIam";
  static final String ORDERS =
      "arn:aws:kms:us-east-1:" + A + ":key/1111aaaa-0000-4000-8000-000000000001";
  static final String DISABLED =
      "arn:aws:kms:us-east-1:" + A + ":key/1111aaaa-0000-4000-8000-000000000002";
  static final String ADMIN_ONLY =
      "arn:aws:kms:us-east-1:" + A + ":key/1111aaaa-0000-4000-8000-000000000003";

  static AccessEnvironment env;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        AccessDoctorTest.class.getResourceAsStream("/policy/doctor/environment.json")) {
      env = AccessEnvironment.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Diagnosis ask(String caller, String key, String op, Map<String, String> ctx) {
    return AccessDoctor.diagnose(
        env,
        AccessQuestion.builder()
            .caller(caller)
            .key(key)
            .operation(op)
            .encryptionContext(ctx)
            .build());
  }

  @Test
  void sameAccountThroughRootDelegationAndIam() {
    Diagnosis d = ask(APP, ORDERS, "Decrypt", Map.of());
    assertThat(d.allowed()).isTrue();
    assertThat(d.decision().decidedBy()).contains("IAM policy").contains("UseKeys");
    assertThat(d.decision().chain()).anyMatch(s -> s.contains("delegates to the account's IAM"));
    assertThat(d.render())
        .startsWith("ALLOW: " + APP + " kms:Decrypt on " + ORDERS)
        .contains("decided by: ")
        .contains("chain:\n   1. request: ");
  }

  @Test
  void explicitDenyNamesTheStatement() {
    Diagnosis d = ask(APP, ORDERS, "Decrypt", Map.of("tenant", "blocked"));
    assertThat(d.decision().effect()).isEqualTo(Effect.EXPLICIT_DENY);
    assertThat(d.decision().decidedBy()).contains("TenantOnly");
  }

  @Test
  void crossAccountWithBothSides() {
    assertThat(ask(PARTNER, ORDERS, "Decrypt", Map.of()).allowed()).isTrue();
  }

  @Test
  void crossAccountSaysWhichSideIsMissing() {
    Diagnosis d = ask(PARTNER_NOIAM, ORDERS, "Decrypt", Map.of());
    assertThat(d.allowed()).isFalse();
    assertThat(d.decision().chain()).anyMatch(s -> s.startsWith("caller side missing"));
    assertThat(d.notes()).anyMatch(n -> n.contains("both the key policy"));
    Diagnosis k = ask(PARTNER, ORDERS, "Encrypt", Map.of());
    assertThat(k.allowed()).isFalse();
  }

  @Test
  void disabledKeyIsANoteOnAnAllowedDecision() {
    Diagnosis d = ask(APP, DISABLED, "Encrypt", Map.of());
    assertThat(d.allowed()).isTrue();
    assertThat(d.notes()).anyMatch(n -> n.contains("Disabled") && n.contains("DisabledException"));
  }

  @Test
  void aliasArnNamesTheKeyAndSetsTheRequestAlias() {
    Diagnosis d = ask(APP, "arn:aws:kms:us-east-1:" + A + ":alias/orders", "Encrypt", Map.of());
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void unpropagatedGrantCountsOnlyWithItsToken() {
    Diagnosis without = ask(APP, ADMIN_ONLY, "Decrypt", Map.of("tenant", "acme"));
    assertThat(without.allowed()).isFalse();
    assertThat(without.notes()).anyMatch(n -> n.contains("g-fresh") && n.contains("--grant-token"));
    Diagnosis with =
        AccessDoctor.diagnose(
            env,
            AccessQuestion.builder()
                .caller(APP)
                .key(ADMIN_ONLY)
                .operation("Decrypt")
                .contextEntry("tenant", "acme")
                .grantToken("token-fresh")
                .build());
    assertThat(with.allowed()).isTrue();
    assertThat(with.decision().decidedBy()).isEqualTo("grant g-fresh");
    Diagnosis wrongContext =
        AccessDoctor.diagnose(
            env,
            AccessQuestion.builder()
                .caller(APP)
                .key(ADMIN_ONLY)
                .operation("Decrypt")
                .contextEntry("tenant", "other")
                .grantToken("token-fresh")
                .build());
    assertThat(wrongContext.allowed()).isFalse();
    assertThat(wrongContext.decision().chain())
        .anyMatch(c -> c.contains("g-fresh") && c.contains("EncryptionContextSubset"));
  }

  @Test
  void propagatedGrantByBareKeyIdOrArn() {
    assertThat(ask(APP, ADMIN_ONLY, "DescribeKey", Map.of()).decision().decidedBy())
        .isEqualTo("grant g-old");
  }

  @Test
  void unknownCallerIsEvaluatedWithoutIamPolicies() {
    Diagnosis d = ask("arn:aws:iam::" + A + ":role/Stranger", ORDERS, "Decrypt", Map.of());
    assertThat(d.allowed()).isFalse();
    assertThat(d.notes()).anyMatch(n -> n.contains("not described"));
  }

  @Test
  void assumedRoleSessionUsesItsRolesPolicies() {
    Diagnosis d =
        ask("arn:aws:sts::" + A + ":assumed-role/App/session-1", ORDERS, "Decrypt", Map.of());
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void unknownKeyAndBadCallerAreErrorsThatSayWhatToFix() {
    assertThatThrownBy(
            () -> ask(APP, "arn:aws:kms:us-east-1:" + A + ":key/nope", "Decrypt", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not described")
        .hasMessageContaining(ORDERS);
    assertThatThrownBy(() -> ask("app", ORDERS, "Decrypt", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IAM or STS ARN");
  }

  @Test
  void environmentErrorsNameTheirPlace() {
    assertThatThrownBy(
            () ->
                AccessEnvironment.fromJson(
                    "{\"keys\":[{\"keyId\":\"k\","
                        + "\"policy\":{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
                        + "\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:Bogus\":\"x\"}}}]}}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys[0]")
        .hasMessageContaining("kms:Bogus");
    assertThatThrownBy(() -> AccessEnvironment.fromJson("{\"kyes\":[]}"))
        .hasMessageContaining("unknown member 'kyes'");
    assertThatThrownBy(() -> AccessEnvironment.fromJson("{"))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void grantsFileInListGrantsShape() {
    List<Grant> grants =
        AccessEnvironment.parseGrants(
            "{\"Grants\":[{\"KeyId\":\""
                + ORDERS
                + "\",\"GrantId\":\"abc\",\"Name\":\"n\",\"CreationDate\":\"2024-01-01T00:00:00Z\","
                + "\"GranteePrincipal\":\""
                + APP
                + "\",\"IssuingAccount\":\"arn:aws:iam::"
                + A
                + ":root\",\"Operations\":[\"Decrypt\",\"CreateGrant\"],\"Constraints\":"
                + "{\"EncryptionContextEquals\":{\"a\":\"b\"}}}],\"Truncated\":false}");
    assertThat(grants)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.operations()).isEqualTo(Set.of("Decrypt", "CreateGrant"));
              assertThat(g.issuingAccount()).isEqualTo(A);
              assertThat(g.encryptionContextEquals()).containsEntry("a", "b");
            });
    assertThat(AccessEnvironment.parseGrants("[]")).isEmpty();
  }

  @Test
  void keyFactsAndEncryptionAlgorithmAreInTheRequestContextAsTheLocalKmsPutsThem() {
    String key = "2222bbbb-0000-4000-8000-000000000001";
    AccessEnvironment facts =
        AccessEnvironment.fromJson(
            """
        {"region": "us-east-1",
         "principals": [{"arn": "%s"}],
         "keys": [{"keyId": "%s", "account": "%s", "aliases": ["alias/finance"],
           "policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:Decrypt",
              "Resource": "*", "Condition": {
                "StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyOrigin": "AWS_KMS",
                  "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
                "Bool": {"kms:MultiRegion": "false"},
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/finance"}}}]}}]}
        """
                .formatted(APP, key, A, APP));
    Diagnosis d =
        AccessDoctor.diagnose(
            facts,
            AccessQuestion.builder()
                .caller(APP)
                .key("arn:aws:kms:us-east-1:" + A + ":key/" + key)
                .operation("Decrypt")
                .build());
    assertThat(d.allowed()).as(d.render()).isTrue();
  }
}

package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.Fixtures.ALICE;
import static dev.envelope.aws.policy.Fixtures.APP;
import static dev.envelope.aws.policy.Fixtures.ENABLE_IAM;
import static dev.envelope.aws.policy.Fixtures.eval;
import static dev.envelope.aws.policy.Fixtures.policy;
import static dev.envelope.aws.policy.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policy variables (${key}, defaults, ${*}) in Resource and in String/Arn condition values. */
class PolicyVariablesTest {

  private static PolicyDocument identity(String version, String statement) {
    return PolicyDocument.parseIdentityPolicy(
        "{"
            + (version == null ? "" : "\"Version\":\"" + version + "\",")
            + "\"Statement\":["
            + statement
            + "]}");
  }

  private static boolean allowed(
      CallerIdentity caller, Map<String, String> ec, PolicyDocument iam) {
    return eval(request(caller, "Decrypt").encryptionContext(ec).build(), policy(ENABLE_IAM), iam)
        .allowed();
  }

  private static final String OWNER_IS_USER =
      "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
          + "{\"StringEquals\":{\"kms:EncryptionContext:owner\":\"${aws:username}\"}}}";

  @Test
  void variableInAConditionValueIsTheRequestsValue() {
    PolicyDocument iam = identity("2012-10-17", OWNER_IS_USER);
    assertThat(allowed(ALICE, Map.of("owner", "alice"), iam)).isTrue();
    assertThat(allowed(ALICE, Map.of("owner", "bob"), iam)).isFalse();
    assertThat(allowed(ALICE, Map.of("owner", "${aws:username}"), iam))
        .as("not the literal text")
        .isFalse();
  }

  @Test
  void variableWithoutValueMatchesNothingAndDefaultsApply() {
    // A role has no aws:username: the value cannot be resolved.
    assertThat(allowed(APP, Map.of("owner", ""), identity("2012-10-17", OWNER_IS_USER))).isFalse();
    PolicyDocument withDefault =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringEquals\":{\"kms:EncryptionContext:owner\":\"${aws:username, 'shared'}\"}}}");
    assertThat(allowed(APP, Map.of("owner", "shared"), withDefault)).isTrue();
    assertThat(allowed(ALICE, Map.of("owner", "shared"), withDefault)).isFalse();
    // A Deny guarded by a negated operator still applies when its variable has no value.
    PolicyDocument guard =
        identity(
            "2012-10-17",
            ENABLE_IAM_FREE_ALLOW
                + ","
                + "{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringNotEquals\":{\"kms:EncryptionContext:owner\":\"${aws:username}\"}}}");
    assertThat(allowed(ALICE, Map.of("owner", "alice"), guard)).isTrue();
    assertThat(allowed(APP, Map.of("owner", "alice"), guard)).isFalse();
  }

  @Test
  void unresolvedVariableNeverWidensAnAllow() {
    // A role has no aws:username. "Matches nothing" would make these Allows cover every request.
    PolicyDocument notResource =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\","
                + "\"NotResource\":\"arn:aws:kms:*:*:key/${aws:username}-*\"}");
    assertThat(allowed(APP, Map.of(), notResource)).isFalse();
    assertThat(allowed(ALICE, Map.of(), notResource))
        .as("resolved, the key is not excluded")
        .isTrue();
    PolicyDocument notOwner =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringNotEquals\":{\"kms:EncryptionContext:owner\":"
                + "[\"${aws:username}\",\"root\"]}}}");
    assertThat(allowed(APP, Map.of("owner", "bob"), notOwner)).isFalse();
    assertThat(allowed(ALICE, Map.of("owner", "bob"), notOwner)).isTrue();
    assertThat(allowed(ALICE, Map.of("owner", "alice"), notOwner)).isFalse();
    PolicyDocument notUser =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"ArnNotLike\":{\"aws:PrincipalArn\":"
                + "\"arn:aws:iam::111122223333:user/${aws:username}\"}}}");
    assertThat(allowed(APP, Map.of(), notUser)).isFalse();
    assertThat(allowed(ALICE, Map.of(), notUser)).as("alice is that user").isFalse();
    // A Deny with an unresolved NotResource keeps denying: the guard fails closed.
    PolicyDocument denyElsewhere =
        identity(
            "2012-10-17",
            ENABLE_IAM_FREE_ALLOW
                + ","
                + "{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\","
                + "\"NotResource\":\"arn:aws:kms:*:*:key/${aws:username}-*\"}");
    assertThat(allowed(APP, Map.of(), denyElsewhere)).isFalse();
  }

  private static final String ENABLE_IAM_FREE_ALLOW =
      "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";

  @Test
  void variableInResource() {
    PolicyDocument iam =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"arn:aws:kms:*:${aws:PrincipalAccount}:key/*\"}");
    assertThat(allowed(APP, Map.of(), iam)).isTrue();
    PolicyDocument other =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"arn:aws:kms:*:${aws:username, '000000000000'}:key/*\"}");
    assertThat(allowed(APP, Map.of(), other)).isFalse();
  }

  @Test
  void substitutedTextIsLiteralInStringLike() {
    PolicyDocument iam =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringLike\":{\"kms:EncryptionContext:path\":\"home/${aws:username}/*\"}}}");
    assertThat(allowed(ALICE, Map.of("path", "home/alice/notes"), iam)).isTrue();
    assertThat(allowed(ALICE, Map.of("path", "home/bob/notes"), iam)).isFalse();
    PolicyDocument star =
        identity(
            "2012-10-17",
            "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringLike\":{\"kms:EncryptionContext:tag\":\"${*}${?}\"}}}");
    assertThat(allowed(ALICE, Map.of("tag", "*?"), star)).isTrue();
    assertThat(allowed(ALICE, Map.of("tag", "ab"), star)).as("${*} is a literal star").isFalse();
  }

  private static PolicyDocument principalArn(String operator, String pattern) {
    return identity(
        "2012-10-17",
        "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
            + "{\""
            + operator
            + "\":{\"aws:PrincipalArn\":\""
            + pattern
            + "\"}}}");
  }

  @Test
  void substitutedTextIsLiteralInArnOperators() {
    // The encryption context is the caller's to choose: its characters must not act as pattern
    // syntax, neither as wildcards nor as the colons that separate the parts of an ARN.
    PolicyDocument role =
        principalArn("ArnLike", "arn:aws:iam::111122223333:role/${kms:EncryptionContext:role}");
    assertThat(allowed(APP, Map.of("role", "App"), role)).isTrue();
    assertThat(allowed(APP, Map.of("role", "*"), role))
        .as("a substituted * is no wildcard")
        .isFalse();
    assertThat(allowed(APP, Map.of("role", "A?p"), role))
        .as("a substituted ? is no wildcard")
        .isFalse();
    PolicyDocument account =
        principalArn("ArnEquals", "arn:aws:iam::${kms:EncryptionContext:account}");
    assertThat(allowed(APP, Map.of("account", "111122223333:role/App"), account))
        .as("a substituted : separates no ARN parts")
        .isFalse();
    assertThat(
            allowed(APP, Map.of(), principalArn("ArnLike", "arn:aws:iam::111122223333:role/${*}")))
        .as("${*} is a literal star")
        .isFalse();
    assertThat(allowed(APP, Map.of(), principalArn("ArnLike", "arn:aws:iam::111122223333:role/*")))
        .as("the policy's own star is a wildcard")
        .isTrue();
  }

  @Test
  void olderPolicyLanguageTakesTheTextLiterally() {
    PolicyDocument old = identity("2008-10-17", OWNER_IS_USER);
    assertThat(allowed(ALICE, Map.of("owner", "alice"), old)).isFalse();
    assertThat(allowed(ALICE, Map.of("owner", "${aws:username}"), old)).isTrue();
    PolicyDocument noVersion = identity(null, OWNER_IS_USER);
    assertThat(allowed(ALICE, Map.of("owner", "${aws:username}"), noVersion)).isTrue();
  }

  @Test
  void malformedOrUnknownVariablesAreRejected() {
    assertThatThrownBy(
            () ->
                identity(
                    "2012-10-17",
                    "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                        + "{\"StringEquals\":{\"kms:EncryptionContext:owner\":\"${aws:username\"}}}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("malformed policy variable");
    assertThatThrownBy(
            () ->
                identity(
                    "2012-10-17",
                    "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":"
                        + "{\"StringEquals\":{\"kms:EncryptionContext:owner\":\"${aws:usrname}\"}}}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("Unknown condition key");
  }
}

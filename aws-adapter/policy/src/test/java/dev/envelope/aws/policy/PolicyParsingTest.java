package dev.envelope.aws.policy;

import static dev.envelope.aws.policy.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParsingTest {

  private static void assertRejected(String json, String messagePart) {
    assertThatThrownBy(() -> PolicyDocument.parse(json))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void parsesTheDefaultKeyPolicyAndKeepsTheText() {
    String json =
        "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\",\"Statement\":["
            + Fixtures.ENABLE_IAM
            + "]}";
    PolicyDocument doc = PolicyDocument.parse(json);

    assertThat(doc.json()).isEqualTo(json);
    assertThat(doc.sizeInBytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    assertThat(doc.version()).contains("2012-10-17");
    assertThat(doc.id()).contains("key-default-1");
    assertThat(doc.statements()).hasSize(1);
    Statement s = doc.statements().get(0);
    assertThat(s.sid()).contains("Enable IAM User Permissions");
    assertThat(s.effect()).isEqualTo(StatementEffect.ALLOW);
    assertThat(s.principals())
        .containsEntry("AWS", java.util.List.of("arn:aws:iam::111122223333:root"));
    assertThat(s.notPrincipal()).isFalse();
    assertThat(s.actions()).containsExactly("kms:*");
    assertThat(s.resources()).containsExactly("*");
    assertThat(s.conditions()).isEmpty();
    assertThat(s.label()).isEqualTo("statement 'Enable IAM User Permissions'");
  }

  @Test
  void sizeCountsUtf8Bytes() {
    String json =
        "{\"Statement\":{\"Sid\":\"caf\u00e9\",\"Effect\":\"Allow\",\"Principal\":\"*\","
            + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}}";
    assertThat(PolicyDocument.parse(json).sizeInBytes()).isEqualTo(json.length() + 1);
  }

  @Test
  void singleStatementObjectAndStatementWithoutSidGetIndexLabel() {
    PolicyDocument doc =
        PolicyDocument.parse(
            "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":[\"kms:Decrypt\","
                + "\"kms:Encrypt\"],\"NotResource\":\"arn:aws:kms:*:*:key/x\"}}");
    Statement s = doc.statements().get(0);
    assertThat(s.sid()).isEmpty();
    assertThat(s.label()).isEqualTo("statement #0");
    assertThat(s.effect()).isEqualTo(StatementEffect.DENY);
    assertThat(s.principals()).containsEntry("AWS", java.util.List.of("*"));
    assertThat(s.notAction()).isTrue();
    assertThat(s.actions()).containsExactly("kms:Decrypt", "kms:Encrypt");
    assertThat(s.notResource()).isTrue();
  }

  @Test
  void conditionsExposeOperatorParts() {
    PolicyDocument doc =
        policy(
            """
            {"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
             "Condition":{"ForAnyValue:StringEqualsIfExists":{"kms:EncryptionContextKeys":["a","b"]},
                          "NumericLessThan":{"aws:PrincipalTag/level": 5},
                          "Bool":{"kms:GrantIsForAWSResource": true}}}""");
    java.util.List<Condition> cs = doc.statements().get(0).conditions();
    assertThat(cs).hasSize(3);
    Condition set =
        cs.stream()
            .filter(c -> c.key().equals("kms:EncryptionContextKeys"))
            .findFirst()
            .orElseThrow();
    assertThat(set.setQualifier()).isEqualTo(Condition.SetQualifier.FOR_ANY_VALUE);
    assertThat(set.ifExists()).isTrue();
    assertThat(set.baseOperator()).isEqualTo("StringEquals");
    assertThat(set.values()).containsExactly("a", "b");
    assertThat(set.keyIsMultiValued()).isTrue();
    Condition num =
        cs.stream()
            .filter(c -> c.baseOperator().equals("NumericLessThan"))
            .findFirst()
            .orElseThrow();
    assertThat(num.values()).containsExactly("5");
    Condition bool =
        cs.stream().filter(c -> c.baseOperator().equals("Bool")).findFirst().orElseThrow();
    assertThat(bool.values()).containsExactly("true");
    assertThat(bool.keyIsMultiValued()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"Statement\": [",
        "not json",
        "{\"Statement\": []} trailing",
        "{\"Statement\": []} {\"Statement\": []}",
        "{\"Statement\": []},{\"Statement\": []}",
        "",
        "[]",
        "\"text\""
      })
  void malformedJsonIsRejected(String json) {
    assertThatThrownBy(() -> PolicyDocument.parse(json)).isInstanceOf(PolicyException.class);
  }

  @Test
  void duplicateKeysAreRejectedNotLastOneWins() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Deny\",\"Effect\":\"Allow\",\"Principal\":\"*\","
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "Duplicate");
  }

  @Test
  void missingEffectIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Sid\":\"NoEffect\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "has no Effect");
  }

  @ParameterizedTest
  @ValueSource(strings = {"allow", "ALLOW", "Permit", ""})
  void invalidEffectIsRejected(String effect) {
    assertRejected(
        "{\"Statement\":{\"Effect\":\""
            + effect
            + "\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "must be \"Allow\" or \"Deny\"");
  }

  @Test
  void unknownConditionOperatorIsRejected() {
    assertRejected(
        policyJson(
            "\"Condition\":{\"StringEqualz\":{\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}"),
        "Unknown condition operator 'StringEqualz'");
  }

  @Test
  void unknownSetQualifierIsRejected() {
    assertRejected(
        policyJson(
            "\"Condition\":{\"ForSomeValues:StringEquals\":{\"kms:EncryptionContextKeys\":\"a\"}}"),
        "Unknown set qualifier");
  }

  @Test
  void unsupportedButRealOperatorIsRejectedWithAClearMessage() {
    assertRejected(
        policyJson("\"Condition\":{\"BinaryEquals\":{\"aws:SourceVpce\":\"QmluYXJ5\"}}"),
        "not supported by this engine");
  }

  @Test
  void dateAndIpValuesAreValidatedWhenParsed() {
    assertRejected(
        policyJson("\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"next tuesday\"}}"),
        "ISO 8601");
    assertRejected(
        policyJson("\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}"), "CIDR");
    assertRejected(
        policyJson("\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"example.com\"}}"), "CIDR");
  }

  @Test
  void nullWithIfExistsIsRejected() {
    assertRejected(
        policyJson("\"Condition\":{\"NullIfExists\":{\"kms:ViaService\":\"true\"}}"),
        "Null takes neither IfExists");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kms:ScheduleKeyDeletionPendingWindowInDays",
        "kms:RotationPeriodInDays",
        "kms:ReEncryptOnSameKey",
        "kms:ReplicaRegion",
        "kms:PrimaryRegion",
        "kms:WrappingAlgorithm",
        "kms:ExpirationModel",
        "kms:CustomerMasterKeySpec",
        "kms:RecipientAttestation:ImageSha384"
      })
  void documentedKmsConditionKeysAreAccepted(String key) {
    PolicyDocument.parse(policyJson("\"Condition\":{\"StringEquals\":{\"" + key + "\":\"x\"}}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kms:EncryptionContex:tenant",
        "kms:Viaservices",
        "aws:SourceIpp",
        "kms:EncryptionContext:",
        "tenant"
      })
  void unknownConditionKeyIsRejected(String key) {
    assertRejected(
        policyJson("\"Condition\":{\"StringEquals\":{\"" + key + "\":\"x\"}}"),
        "Unknown condition key");
  }

  @Test
  void conditionKeyNamesAreCaseInsensitive() {
    PolicyDocument doc =
        policy(
            "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
                + "\"Condition\":{\"stringequals\":{\"KMS:VIASERVICE\":\"x\",\"kms:callerACCOUNT\":\"111122223333\"}}}");
    assertThat(doc.statements().get(0).conditions()).hasSize(2);
  }

  @Test
  void nonNumericValueForNumericOperatorIsRejected() {
    assertRejected(
        policyJson("\"Condition\":{\"NumericLessThan\":{\"aws:PrincipalTag/level\":\"five\"}}"),
        "needs a number");
  }

  @Test
  void nonBooleanValueForBoolIsRejected() {
    assertRejected(
        policyJson("\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":\"yes\"}}"),
        "\"true\" or \"false\"");
  }

  @Test
  void emptyConditionValueListIsRejected() {
    assertRejected(
        policyJson("\"Condition\":{\"StringEquals\":{\"kms:ViaService\":[]}}"), "no values");
  }

  @Test
  void nullConditionValueIsRejected() {
    assertRejected(
        policyJson("\"Condition\":{\"StringEquals\":{\"kms:ViaService\":null}}"),
        "strings, numbers or booleans");
  }

  @Test
  void missingActionOrBothActionAndNotActionAreRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}}",
        "neither Action nor NotAction");
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}}",
        "both Action and NotAction");
  }

  @Test
  void missingResourceIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"}}",
        "neither Resource nor NotResource");
  }

  @Test
  void principalAndNotPrincipalTogetherAreRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "both Principal and NotPrincipal");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "1111", "arn:aws:s3:::bucket", "arn:aws:iam::12:root"})
  void invalidAwsPrincipalIsRejected(String principal) {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
            + principal
            + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "invalid AWS principal");
  }

  @Test
  void wildcardInsidePrincipalArnIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "cannot contain wildcards");
  }

  @Test
  void serviceAndFederatedPrincipalsParse() {
    PolicyDocument doc =
        PolicyDocument.parse(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"logs.amazonaws.com\"],\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}}");
    assertThat(doc.statements().get(0).principals())
        .containsEntry("Service", java.util.List.of("logs.amazonaws.com"))
        .containsKey("Federated");
  }

  @Test
  void unknownPrincipalTypeIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Aws\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}}",
        "unknown principal type 'Aws'");
  }

  @Test
  void unknownStatementOrTopLevelElementIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"action\":\"kms:*\",\"Resource\":\"*\"}}",
        "unknown element 'action'");
    assertRejected("{\"Statement\":[],\"Statements\":[]}", "Unknown top-level policy element");
  }

  @Test
  void missingStatementAndBadVersionAreRejected() {
    assertRejected("{\"Version\":\"2012-10-17\"}", "no Statement");
    assertRejected("{\"Version\":\"2020-01-01\",\"Statement\":[]}", "Unsupported policy Version");
  }

  @Test
  void invalidActionIsRejected() {
    assertRejected(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"Decrypt\",\"Resource\":\"*\"}}",
        "invalid action");
  }

  @Test
  void keyPolicyRequiresPrincipalAndSizeLimit() {
    assertThatThrownBy(
            () ->
                PolicyDocument.parseKeyPolicy(
                    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("no Principal");
    String big =
        "{\"Statement\":{\"Sid\":\""
            + "x".repeat(PolicyDocument.KEY_POLICY_MAX_BYTES)
            + "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}";
    assertThatThrownBy(() -> PolicyDocument.parseKeyPolicy(big))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("32768");
    assertThat(
            PolicyDocument.parseKeyPolicy("{\"Statement\":[" + Fixtures.ENABLE_IAM + "]}")
                .statements())
        .hasSize(1);
  }

  @Test
  void identityPolicyMayNotNamePrincipal() {
    assertThatThrownBy(
            () ->
                PolicyDocument.parseIdentityPolicy(
                    "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("Principal");
    assertThat(
            PolicyDocument.parseIdentityPolicy(
                    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}")
                .statements())
        .hasSize(1);
  }

  @Test
  void errorNamesTheStatement() {
    assertRejected(
        "{\"Statement\":[{\"Sid\":\"Good\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
            + "{\"Sid\":\"Bad\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
            + "\"Condition\":{\"StringEquals\":{\"kms:Nope\":\"x\"}}}]}",
        "Statement 'Bad'");
  }

  @Test
  void withNameKeepsContent() {
    PolicyDocument doc = policy(Fixtures.ENABLE_IAM);
    PolicyDocument named = doc.withName("AppKmsAccess");
    assertThat(named.name()).contains("AppKmsAccess");
    assertThat(doc.name()).isEmpty();
    assertThat(named.json()).isEqualTo(doc.json());
    assertThat(named.statements()).isEqualTo(doc.statements());
  }

  private static String policyJson(String conditionPart) {
    return "{\"Statement\":{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
        + conditionPart
        + "}}";
  }
}

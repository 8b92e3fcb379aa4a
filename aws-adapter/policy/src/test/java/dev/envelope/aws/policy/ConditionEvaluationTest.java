package dev.envelope.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Condition operators against request contexts, without the surrounding authorization logic. */
class ConditionEvaluationTest {

  private static RequestContext ctx(Map<String, String> ec) {
    return RequestContext.of(
        Fixtures.request(Fixtures.APP, "Decrypt").encryptionContext(ec).build());
  }

  private static RequestContext ctx(AccessRequest.Builder b) {
    return RequestContext.of(b.build());
  }

  private static boolean test(String op, String key, List<String> values, RequestContext ctx) {
    return Condition.of(op, key, values).test(ctx, StatementEffect.ALLOW);
  }

  private static final RequestContext EMPTY = ctx(Map.of());
  private static final RequestContext ACME = ctx(Map.of("tenant", "acme", "purpose", "backup"));

  @Test
  void stringEqualsOnEncryptionContextKey() {
    assertThat(test("StringEquals", "kms:EncryptionContext:tenant", List.of("acme"), ACME))
        .isTrue();
    assertThat(test("StringEquals", "kms:EncryptionContext:tenant", List.of("ACME"), ACME))
        .isFalse();
    assertThat(test("StringEquals", "kms:EncryptionContext:tenant", List.of("other", "acme"), ACME))
        .as("several values are OR-ed")
        .isTrue();
    assertThat(test("StringEquals", "kms:EncryptionContext:tenant", List.of("acme"), EMPTY))
        .as("absent key never equals")
        .isFalse();
  }

  @Test
  void encryptionContextKeyNameInConditionKeyIsCaseInsensitiveButValueIsNot() {
    assertThat(test("StringEquals", "kms:EncryptionContext:TENANT", List.of("acme"), ACME))
        .isTrue();
    assertThat(
            test("StringEqualsIgnoreCase", "kms:EncryptionContext:tenant", List.of("AcMe"), ACME))
        .isTrue();
    assertThat(
            test(
                "StringNotEqualsIgnoreCase", "kms:EncryptionContext:tenant", List.of("AcMe"), ACME))
        .isFalse();
  }

  @Test
  void negatedOperatorsAreNorAndTrueWhenKeyAbsent() {
    String key = "kms:EncryptionContext:tenant";
    assertThat(test("StringNotEquals", key, List.of("other"), ACME)).isTrue();
    assertThat(test("StringNotEquals", key, List.of("other", "acme"), ACME))
        .as("not equal to ANY of the values")
        .isFalse();
    assertThat(test("StringNotEquals", key, List.of("acme"), EMPTY)).isTrue();
    assertThat(test("StringNotLike", key, List.of("ac*"), ACME)).isFalse();
    assertThat(test("StringNotLike", key, List.of("zz*"), ACME)).isTrue();
  }

  @Test
  void stringLikeWildcards() {
    String key = "kms:EncryptionContext:tenant";
    assertThat(test("StringLike", key, List.of("ac*"), ACME)).isTrue();
    assertThat(test("StringLike", key, List.of("a?me"), ACME)).isTrue();
    assertThat(test("StringLike", key, List.of("a?e"), ACME)).isFalse();
    assertThat(test("StringLike", key, List.of("AC*"), ACME)).as("case-sensitive").isFalse();
    assertThat(test("StringEquals", key, List.of("ac*"), ACME))
        .as("no wildcards in StringEquals")
        .isFalse();
  }

  @Test
  void ifExistsIsTrueWhenAbsentAndEvaluatesWhenPresent() {
    String key = "kms:EncryptionContext:tenant";
    assertThat(test("StringEqualsIfExists", key, List.of("acme"), EMPTY)).isTrue();
    assertThat(test("StringEqualsIfExists", key, List.of("other"), ACME)).isFalse();
    assertThat(test("StringEqualsIfExists", key, List.of("acme"), ACME)).isTrue();
    assertThat(test("StringNotEqualsIfExists", key, List.of("acme"), ACME)).isFalse();
  }

  @Test
  void nullChecksPresence() {
    String key = "kms:EncryptionContext:tenant";
    assertThat(test("Null", key, List.of("true"), EMPTY)).isTrue();
    assertThat(test("Null", key, List.of("true"), ACME)).isFalse();
    assertThat(test("Null", key, List.of("false"), ACME)).isTrue();
    assertThat(test("Null", key, List.of("false"), EMPTY)).isFalse();
    assertThat(test("Null", "kms:EncryptionContextKeys", List.of("true"), EMPTY)).isTrue();
    assertThat(test("Null", "kms:ViaService", List.of("false"), ACME)).isFalse();
  }

  @Test
  void forAllValuesOnEncryptionContextKeys() {
    String key = "kms:EncryptionContextKeys";
    assertThat(test("ForAllValues:StringEquals", key, List.of("tenant", "purpose", "extra"), ACME))
        .isTrue();
    assertThat(test("ForAllValues:StringEquals", key, List.of("tenant"), ACME))
        .as("'purpose' is not allowed")
        .isFalse();
    assertThat(test("ForAllValues:StringEquals", key, List.of("tenant"), EMPTY))
        .as("ForAllValues is vacuously true without any context")
        .isTrue();
    assertThat(test("ForAllValues:StringLike", key, List.of("t*", "p*"), ACME)).isTrue();
  }

  @Test
  void forAnyValueOnEncryptionContextKeys() {
    String key = "kms:EncryptionContextKeys";
    assertThat(test("ForAnyValue:StringEquals", key, List.of("tenant"), ACME)).isTrue();
    assertThat(test("ForAnyValue:StringEquals", key, List.of("nope"), ACME)).isFalse();
    assertThat(test("ForAnyValue:StringEquals", key, List.of("tenant"), EMPTY))
        .as("ForAnyValue is false without any context")
        .isFalse();
    assertThat(test("ForAnyValue:StringEqualsIfExists", key, List.of("tenant"), EMPTY)).isTrue();
  }

  @Test
  void negatedSetOperators() {
    String key = "kms:EncryptionContextKeys";
    assertThat(test("ForAnyValue:StringNotEquals", key, List.of("tenant"), ACME))
        .as("'purpose' is not 'tenant'")
        .isTrue();
    assertThat(test("ForAnyValue:StringNotEquals", key, List.of("tenant", "purpose"), ACME))
        .isFalse();
    assertThat(test("ForAllValues:StringNotEquals", key, List.of("secret"), ACME)).isTrue();
    assertThat(test("ForAllValues:StringNotEquals", key, List.of("tenant"), ACME)).isFalse();
  }

  @Test
  void multiValuedKeyWithoutQualifierMatchesAnyValue() {
    String key = "kms:EncryptionContextKeys";
    assertThat(test("StringEquals", key, List.of("purpose"), ACME)).isTrue();
    assertThat(test("StringEquals", key, List.of("nope"), ACME)).isFalse();
    assertThat(test("StringNotEquals", key, List.of("purpose"), ACME))
        .as("some request value equals a policy value")
        .isFalse();
  }

  @Test
  void singleValuedKeyUnderSetQualifierIsAOneElementSet() {
    // The "single-valued ForAnyValue trap": evaluation must still be IAM's.
    String key = "kms:EncryptionContext:tenant";
    assertThat(test("ForAnyValue:StringEquals", key, List.of("acme"), ACME)).isTrue();
    assertThat(test("ForAnyValue:StringEquals", key, List.of("other"), ACME)).isFalse();
    assertThat(test("ForAnyValue:StringEquals", key, List.of("acme"), EMPTY)).isFalse();
    assertThat(test("ForAllValues:StringEquals", key, List.of("acme"), ACME)).isTrue();
    assertThat(test("ForAllValues:StringEquals", key, List.of("other"), ACME)).isFalse();
    assertThat(test("ForAllValues:StringEquals", key, List.of("acme"), EMPTY))
        .as("the trap: ForAllValues on an absent single-valued key is true")
        .isTrue();
  }

  @Test
  void multipleKeysInOneRequestContextAreIndependent() {
    RequestContext c = ctx(Map.of("a", "1", "b", "2"));
    assertThat(test("StringEquals", "kms:EncryptionContext:a", List.of("1"), c)).isTrue();
    assertThat(test("StringEquals", "kms:EncryptionContext:b", List.of("1"), c)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "NumericEquals, 5, 5, true",
    "NumericEquals, 5.0, 5, true",
    "NumericEquals, 6, 5, false",
    "NumericNotEquals, 6, 5, true",
    "NumericNotEquals, 5, 5, false",
    "NumericLessThan, 4, 5, true",
    "NumericLessThan, 5, 5, false",
    "NumericLessThanEquals, 5, 5, true",
    "NumericLessThanEquals, 6, 5, false",
    "NumericGreaterThan, 6, 5, true",
    "NumericGreaterThan, 5, 5, false",
    "NumericGreaterThanEquals, 5, 5, true",
    "NumericGreaterThanEquals, 4, 5, false",
    "NumericEquals, abc, 5, false",
    "NumericNotEquals, abc, 5, false"
  })
  void numericOperators(String op, String requestValue, String policyValue, boolean expected) {
    RequestContext c =
        ctx(
            Fixtures.request(Fixtures.APP, "Decrypt")
                .contextValue("aws:PrincipalTag/level", requestValue));
    assertThat(test(op, "aws:PrincipalTag/level", List.of(policyValue), c)).isEqualTo(expected);
  }

  @Test
  void numericOperatorOnAbsentKey() {
    assertThat(test("NumericLessThan", "aws:PrincipalTag/level", List.of("5"), EMPTY)).isFalse();
    assertThat(test("NumericNotEquals", "aws:PrincipalTag/level", List.of("5"), EMPTY)).isTrue();
    assertThat(test("NumericLessThanIfExists", "aws:PrincipalTag/level", List.of("5"), EMPTY))
        .isTrue();
  }

  @Test
  void boolOnGrantIsForAwsResource() {
    RequestContext forAws =
        ctx(Fixtures.request(Fixtures.APP, "CreateGrant").grantIsForAwsResource(true));
    RequestContext notForAws = ctx(Fixtures.request(Fixtures.APP, "CreateGrant"));
    RequestContext decrypt =
        ctx(Fixtures.request(Fixtures.APP, "Decrypt").grantIsForAwsResource(true));
    assertThat(test("Bool", "kms:GrantIsForAWSResource", List.of("true"), forAws)).isTrue();
    assertThat(test("Bool", "kms:GrantIsForAWSResource", List.of("TRUE"), forAws)).isTrue();
    assertThat(test("Bool", "kms:GrantIsForAWSResource", List.of("true"), notForAws)).isFalse();
    assertThat(test("Bool", "kms:GrantIsForAWSResource", List.of("false"), notForAws)).isTrue();
    assertThat(test("Bool", "kms:GrantIsForAWSResource", List.of("true"), decrypt))
        .as("KMS sets the key only for grant-management operations")
        .isFalse();
  }

  @Test
  void arnOperatorsCompareSegmentsWithWildcards() {
    RequestContext c = ctx(Fixtures.request(Fixtures.APP, "Decrypt"));
    String key = "aws:PrincipalArn";
    assertThat(test("ArnEquals", key, List.of("arn:aws:iam::111122223333:role/App"), c)).isTrue();
    assertThat(test("ArnLike", key, List.of("arn:aws:iam::*:role/A*"), c)).isTrue();
    assertThat(test("ArnLike", key, List.of("arn:aws:iam::444455556666:role/*"), c)).isFalse();
    assertThat(test("ArnLike", key, List.of("arn:aws:iam::111122223333"), c))
        .as("not an ARN pattern")
        .isFalse();
    assertThat(test("ArnNotLike", key, List.of("arn:aws:iam::111122223333:role/Admin*"), c))
        .isTrue();
    assertThat(test("ArnNotEquals", key, List.of("arn:aws:iam::111122223333:role/App"), c))
        .isFalse();
  }

  @Test
  void assumedRoleSessionPrincipalArnIsTheRole() {
    CallerIdentity session = CallerIdentity.of("arn:aws:sts::111122223333:assumed-role/App/i-0abc");
    RequestContext c = ctx(Fixtures.request(session, "Decrypt"));
    assertThat(
            test("ArnEquals", "aws:PrincipalArn", List.of("arn:aws:iam::111122223333:role/App"), c))
        .isTrue();
    assertThat(test("StringEquals", "aws:PrincipalType", List.of("AssumedRole"), c)).isTrue();
  }

  @Test
  void requestDerivedKeys() {
    RequestContext c =
        ctx(
            Fixtures.request(Fixtures.ALICE, "CreateGrant")
                .viaService("ec2.us-east-1.amazonaws.com")
                .requestAlias("alias/app")
                .principalOrgId("o-abc123")
                .grantOperations(Set.of("Decrypt", "Encrypt")));
    assertThat(test("StringEquals", "kms:ViaService", List.of("ec2.us-east-1.amazonaws.com"), c))
        .isTrue();
    assertThat(test("StringLike", "kms:ViaService", List.of("s3.*.amazonaws.com"), c)).isFalse();
    assertThat(test("StringEquals", "kms:CallerAccount", List.of("111122223333"), c)).isTrue();
    assertThat(test("StringEquals", "aws:PrincipalAccount", List.of("111122223333"), c)).isTrue();
    assertThat(test("StringEquals", "aws:PrincipalOrgID", List.of("o-abc123"), c)).isTrue();
    assertThat(test("StringEquals", "aws:username", List.of("alice"), c)).isTrue();
    assertThat(test("StringEquals", "aws:RequestedRegion", List.of("us-east-1"), c)).isTrue();
    assertThat(test("StringEquals", "kms:RequestAlias", List.of("alias/app"), c)).isTrue();
    assertThat(
            test(
                "ForAllValues:StringEquals",
                "kms:GrantOperations",
                List.of("Decrypt", "Encrypt", "GenerateDataKey"),
                c))
        .isTrue();
    assertThat(test("ForAllValues:StringEquals", "kms:GrantOperations", List.of("Decrypt"), c))
        .isFalse();
    assertThat(test("ForAnyValue:StringEquals", "kms:GrantOperations", List.of("Encrypt"), c))
        .isTrue();
  }

  @Test
  void callerAccountIsAbsentForOperationsKmsExempts() {
    RequestContext retire = ctx(Fixtures.request(Fixtures.APP, "RetireGrant"));
    RequestContext decrypt = ctx(Fixtures.request(Fixtures.APP, "Decrypt"));
    assertThat(test("Null", "kms:CallerAccount", List.of("true"), retire)).isTrue();
    assertThat(test("Null", "kms:CallerAccount", List.of("true"), decrypt)).isFalse();
  }

  @Test
  void grantOperationsAbsentOutsideCreateGrant() {
    RequestContext c =
        ctx(Fixtures.request(Fixtures.APP, "Decrypt").grantOperations(Set.of("Decrypt")));
    assertThat(test("Null", "kms:GrantOperations", List.of("true"), c)).isTrue();
  }

  @Test
  void contextValueRejectsUnknownAndDerivedKeys() {
    assertThatThrownBy(
            () -> Fixtures.request(Fixtures.APP, "Decrypt").contextValue("kms:Bogus", "x"))
        .isInstanceOf(PolicyException.class);
    assertThatThrownBy(
            () -> Fixtures.request(Fixtures.APP, "Decrypt").contextValue("kms:ViaService", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void suppliedKeyIsUsed() {
    RequestContext c =
        ctx(
            Fixtures.request(Fixtures.APP, "Decrypt")
                .contextValue("kms:KeySpec", "SYMMETRIC_DEFAULT"));
    assertThat(test("StringEquals", "kms:KeySpec", List.of("SYMMETRIC_DEFAULT"), c)).isTrue();
    assertThat(test("StringEquals", "kms:KeySpec", List.of("SYMMETRIC_DEFAULT"), EMPTY)).isFalse();
  }

  @Test
  void dateOperatorsCompareInstantsOfCurrentTimeAndEpochTime() {
    RequestContext at =
        ctx(
            Fixtures.request(Fixtures.APP, "Decrypt")
                .requestTime(java.time.Instant.parse("2026-03-15T12:00:00Z")));
    assertThat(test("DateLessThan", "aws:CurrentTime", List.of("2026-04-01T00:00:00Z"), at))
        .isTrue();
    assertThat(test("DateLessThan", "aws:CurrentTime", List.of("2026-03-15"), at))
        .as("a bare date is midnight UTC")
        .isFalse();
    assertThat(
            test(
                "DateGreaterThanEquals",
                "aws:CurrentTime",
                List.of("2026-03-15T13:00:00+02:00"),
                at))
        .as("offsets are honoured")
        .isTrue();
    assertThat(test("DateEquals", "aws:EpochTime", List.of("2026-03-15T12:00:00Z"), at)).isTrue();
    assertThat(test("DateNotEquals", "aws:CurrentTime", List.of("1773576000"), at))
        .as("epoch seconds as a policy value")
        .isFalse();
    assertThat(test("NumericLessThan", "aws:EpochTime", List.of("1773576001"), at)).isTrue();
    assertThat(
            test("DateLessThan", "aws:CurrentTime", List.of("2027-01-01"), at)
                && test("DateGreaterThan", "aws:CurrentTime", List.of("2026-01-01"), at))
        .as("a time window")
        .isTrue();
  }

  @Test
  void ipAddressMatchesCidrBlocksAndIsFalseWithoutSourceIp() {
    RequestContext from =
        ctx(Fixtures.request(Fixtures.APP, "Decrypt").contextValue("aws:SourceIp", "203.0.113.77"));
    assertThat(test("IpAddress", "aws:SourceIp", List.of("203.0.113.0/24"), from)).isTrue();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("10.0.0.0/8", "203.0.113.77"), from))
        .as("a bare address, values OR-ed")
        .isTrue();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("203.0.113.128/25"), from)).isFalse();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("0.0.0.0/0"), from)).isTrue();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("::/0"), from))
        .as("an IPv4 address is in no IPv6 block")
        .isFalse();
    assertThat(test("NotIpAddress", "aws:SourceIp", List.of("10.0.0.0/8", "192.168.0.0/16"), from))
        .isTrue();
    assertThat(test("NotIpAddress", "aws:SourceIp", List.of("203.0.0.0/8"), from)).isFalse();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("0.0.0.0/0"), EMPTY))
        .as("absent key")
        .isFalse();
    assertThat(test("NotIpAddress", "aws:SourceIp", List.of("10.0.0.0/8"), EMPTY))
        .as("negated operator, absent key")
        .isTrue();
    RequestContext v6 =
        ctx(
            Fixtures.request(Fixtures.APP, "Decrypt")
                .contextValue("aws:SourceIp", "2001:db8:0:12::5"));
    assertThat(test("IpAddress", "aws:SourceIp", List.of("2001:DB8::/32"), v6)).isTrue();
    assertThat(test("IpAddress", "aws:SourceIp", List.of("2001:db9::/32"), v6)).isFalse();
  }

  @Test
  void requestValueOfTheWrongTypeSatisfiesNeitherTheOperatorNorItsNegation() {
    // Supplied keys can carry anything; malformed input must not turn a negated Allow on.
    RequestContext garbage =
        ctx(
            Fixtures.request(Fixtures.APP, "Decrypt")
                .contextValue("aws:SourceIp", "not-an-address")
                .contextValue("aws:TokenIssueTime", "yesterday"));
    assertThat(test("IpAddress", "aws:SourceIp", List.of("0.0.0.0/0"), garbage)).isFalse();
    assertThat(test("NotIpAddress", "aws:SourceIp", List.of("10.0.0.0/8"), garbage)).isFalse();
    assertThat(test("DateEquals", "aws:TokenIssueTime", List.of("2026-01-01"), garbage)).isFalse();
    assertThat(test("DateNotEquals", "aws:TokenIssueTime", List.of("2026-01-01"), garbage))
        .isFalse();
    assertThat(
            test(
                "ForAllValues:DateNotEquals", "aws:TokenIssueTime", List.of("2026-01-01"), garbage))
        .isFalse();
  }

  @Test
  void viaAwsServiceAndPrincipalIsAwsServiceArePresentInEveryRequest() {
    RequestContext direct = ctx(Fixtures.request(Fixtures.APP, "Decrypt"));
    RequestContext viaS3 =
        ctx(Fixtures.request(Fixtures.APP, "Decrypt").viaService("s3.us-east-1.amazonaws.com"));
    assertThat(test("Bool", "aws:ViaAWSService", List.of("false"), direct)).isTrue();
    assertThat(test("Bool", "aws:ViaAWSService", List.of("true"), viaS3)).isTrue();
    assertThat(test("Null", "aws:ViaAWSService", List.of("false"), direct)).isTrue();
    assertThat(test("Bool", "aws:PrincipalIsAWSService", List.of("false"), direct)).isTrue();
  }

  @Test
  void resourceAccountIsTheKeysAccount() {
    RequestContext partner = ctx(Fixtures.request(Fixtures.PARTNER, "Decrypt"));
    assertThat(test("StringEquals", "aws:ResourceAccount", List.of(Fixtures.KEY_ACCT), partner))
        .isTrue();
    assertThat(test("StringEquals", "aws:PrincipalAccount", List.of(Fixtures.KEY_ACCT), partner))
        .isFalse();
  }
}

package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.assertDenied;
import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * Condition keys whose values the local KMS itself must put into the request context: facts of the
 * key (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion, kms:ResourceAliases), of the
 * operation (kms:EncryptionAlgorithm) and of the grant being created (kms:GranteePrincipal,
 * kms:RetiringPrincipal, kms:GrantConstraintType), plus kms:GrantIsForAWSResource on ListGrants and
 * RevokeGrant. A policy conditioned on them must behave as it would in KMS.
 */
class ConditionKeyValuesTest {
  static final String A = "111122223333";
  static final String ADMIN = "arn:aws:iam::" + A + ":role/Admin";
  static final String APP = "arn:aws:iam::" + A + ":role/App";
  static final String GRANTEE = "arn:aws:iam::" + A + ":role/Grantee";
  static final String GUARDED = "arn:aws:iam::" + A + ":role/Guarded";
  static final String S3 = "s3.us-east-1.amazonaws.com";
  static final String MRK = "mrk-0c0c0c0c0000400080000000000000aa";
  static final String ALL = "\"kms:*\"";
  static final String USE = "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\"]";

  static LocalKms kms;
  static KmsClient app;
  static KmsClient appViaS3;
  static KmsClient admin;
  static KmsClient creator;

  @BeforeAll
  static void start() {
    String adminStmt = statement("Admin", "Allow", ADMIN, ALL, null);
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(
                PrincipalConfig.of(
                    "ADMIN", ADMIN, policy(statement("All", "Allow", null, ALL, null))))
            .principal(PrincipalConfig.of("APP", APP))
            .principal(
                PrincipalConfig.of(
                    "TAGGER",
                    "arn:aws:iam::" + A + ":role/Tagger",
                    policy(
                        "{\"Effect\":\"Allow\",\"Action\":\"kms:CreateKey\",\"Resource\":\"*\","
                            + "\"Condition\":{\"StringEquals\":{\"aws:RequestTag/team\":\"crypto\"},"
                            + "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"team\",\"env\"]}}}")))
            .principal(
                PrincipalConfig.of(
                    "CREATOR",
                    "arn:aws:iam::" + A + ":role/Creator",
                    policy(
                        "{\"Effect\":\"Allow\",\"Action\":[\"kms:CreateKey\",\"kms:PutKeyPolicy\"],"
                            + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:KeySpec\":"
                            + "\"SYMMETRIC_DEFAULT\",\"kms:KeyUsage\":\"ENCRYPT_DECRYPT\"},"
                            + "\"Bool\":{\"kms:MultiRegion\":\"false\"}}}",
                        "{\"Effect\":\"Deny\",\"Action\":[\"kms:CreateKey\",\"kms:PutKeyPolicy\"],"
                            + "\"Resource\":\"*\",\"Condition\":{\"Bool\":"
                            + "{\"kms:BypassPolicyLockoutSafetyCheck\":\"true\"}}}")))
            .principal(
                PrincipalConfig.of(
                    "REPLICATOR",
                    "arn:aws:iam::" + A + ":role/Replicator",
                    policy(
                        "{\"Effect\":\"Allow\",\"Action\":\"kms:ReplicateKey\",\"Resource\":\"*\"}",
                        "{\"Effect\":\"Allow\",\"Action\":\"kms:CreateKey\",\"Resource\":\"*\","
                            + "\"Condition\":{\"StringEquals\":{\"kms:CustomerMasterKeySpec\":"
                            + "\"SYMMETRIC_DEFAULT\",\"kms:CustomerMasterKeyUsage\":\"ENCRYPT_DECRYPT\"},"
                            + "\"Bool\":{\"kms:MultiRegion\":\"true\"}}}")))
            .principal(PrincipalConfig.of("APP_S3", APP).withViaService(S3))
            // A common guard: everything allowed, but only from this network.
            .principal(
                PrincipalConfig.of(
                    "GUARDED",
                    GUARDED,
                    policy(
                        statement("All", "Allow", null, ALL, null),
                        statement(
                            "OnlyFromHere",
                            "Deny",
                            null,
                            ALL,
                            "{\"NotIpAddress\":{\"aws:SourceIp\":[\"127.0.0.0/8\",\"::1\"]}}"))))
            .key(
                key("symmetric")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "Symmetric",
                                "Allow",
                                APP,
                                USE,
                                "{\"StringEquals\":{\"kms:KeySpec\":\"SYMMETRIC_DEFAULT\","
                                    + "\"kms:KeyUsage\":\"ENCRYPT_DECRYPT\",\"kms:KeyOrigin\":\"AWS_KMS\"},"
                                    + "\"Bool\":{\"kms:MultiRegion\":\"false\"}}")))
                    .build())
            .key(
                key("rsaonly")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "Rsa",
                                "Allow",
                                APP,
                                USE,
                                "{\"StringEquals\":{\"kms:KeySpec\":\"RSA_2048\"}}")))
                    .build())
            .key(
                key("algorithm")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "Algorithm",
                                "Allow",
                                APP,
                                USE,
                                "{\"StringEquals\":{\"kms:EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}}")))
                    .build())
            .key(
                key("aliased")
                    .alias("alias/finance")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "Finance",
                                "Allow",
                                APP,
                                USE,
                                "{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":\"alias/finance\"}}")))
                    .build())
            .key(
                key("grantee")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "OnlyForGrantee",
                                "Allow",
                                APP,
                                "\"kms:CreateGrant\"",
                                "{\"StringEquals\":{\"kms:GranteePrincipal\":\""
                                    + GRANTEE
                                    + "\","
                                    + "\"kms:RetiringPrincipal\":\""
                                    + ADMIN
                                    + "\"}}")))
                    .build())
            .key(
                key("constrained")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "OnlyConstrained",
                                "Allow",
                                APP,
                                "\"kms:CreateGrant\"",
                                "{\"StringEquals\":{\"kms:GrantConstraintType\":\"EncryptionContextEquals\"}}")))
                    .build())
            .key(
                key("loopback")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "FromHere",
                                "Allow",
                                APP,
                                USE,
                                "{\"IpAddress\":{\"aws:SourceIp\":[\"127.0.0.0/8\",\"::1\"]}}")))
                    .build())
            .key(
                key("office")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "FromOffice",
                                "Allow",
                                APP,
                                USE,
                                "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}")))
                    .build())
            .key(
                key("admin")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "Window",
                                "Allow",
                                APP,
                                "\"kms:ScheduleKeyDeletion\"",
                                "{\"NumericGreaterThanEquals\":"
                                    + "{\"kms:ScheduleKeyDeletionPendingWindowInDays\":\"14\"}}"),
                            statement(
                                "Period",
                                "Allow",
                                APP,
                                "\"kms:EnableKeyRotation\"",
                                "{\"NumericGreaterThanEquals\":{\"kms:RotationPeriodInDays\":\"180\"}}"),
                            statement(
                                "SameKey",
                                "Allow",
                                APP,
                                "[\"kms:ReEncrypt*\",\"kms:Encrypt\"]",
                                "{\"Bool\":{\"kms:ReEncryptOnSameKey\":\"true\"}}"),
                            statement("Enc", "Allow", APP, "\"kms:Encrypt\"", null)))
                    .build())
            .key(
                KeyConfig.builder()
                    .keyId(MRK)
                    .accountId(A)
                    .multiRegion(true)
                    .policy(policy(adminStmt, KmsAssertions.allowRoot(A)))
                    .build())
            .key(
                key("servicegrants")
                    .policy(
                        policy(
                            adminStmt,
                            statement(
                                "ServiceOnly",
                                "Allow",
                                APP,
                                "[\"kms:ListGrants\",\"kms:RevokeGrant\"]",
                                "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}")))
                    .build())
            .build();
    kms = LocalKms.start(config);
    app = kms.kmsClientFor("APP");
    appViaS3 = kms.kmsClientFor("APP_S3");
    admin = kms.kmsClientFor("ADMIN");
    creator = kms.kmsClientFor("CREATOR");
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  private static KeyConfig.Builder key(String name) {
    return KeyConfig.builder().keyId(AuthorizationConformanceTest.id(name)).accountId(A);
  }

  private static String arn(String name) {
    return AuthorizationConformanceTest.arn(name);
  }

  private static SdkBytes encrypt(KmsClient client, String keyId) {
    return client
        .encrypt(
            b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x")).encryptionContext(Map.of()))
        .ciphertextBlob();
  }

  @Test
  void keySpecUsageOriginAndMultiRegionDescribeTheKey() {
    SdkBytes blob = encrypt(app, arn("symmetric"));
    app.decrypt(b -> b.ciphertextBlob(blob));
    app.generateDataKey(b -> b.keyId(arn("symmetric")).numberOfBytes(32));
    assertDenied(() -> encrypt(app, arn("rsaonly")));
  }

  @Test
  void encryptionAlgorithmIsSymmetricDefaultEvenWhenTheRequestNamesNone() {
    SdkBytes blob = encrypt(app, arn("algorithm"));
    app.decrypt(b -> b.ciphertextBlob(blob));
    app.generateDataKey(b -> b.keyId(arn("algorithm")).numberOfBytes(32));
  }

  @Test
  void resourceAliasesHoldTheKeysAliasesWhateverNameTheRequestUses() {
    encrypt(app, arn("aliased"));
    encrypt(app, "alias/finance");
  }

  @Test
  void granteeAndRetiringPrincipalComeFromTheCreateGrantRequest() {
    CreateGrantResponse g =
        app.createGrant(
            b ->
                b.keyId(arn("grantee"))
                    .granteePrincipal(GRANTEE)
                    .retiringPrincipal(ADMIN)
                    .operations(GrantOperation.DECRYPT));
    admin.revokeGrant(b -> b.keyId(arn("grantee")).grantId(g.grantId()));
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("grantee"))
                        .granteePrincipal(APP)
                        .retiringPrincipal(ADMIN)
                        .operations(GrantOperation.DECRYPT)));
    // No retiring principal: kms:RetiringPrincipal is absent, so StringEquals on it fails.
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("grantee"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT)));
  }

  @Test
  void grantConstraintTypeNamesTheConstraintOfTheNewGrant() {
    CreateGrantResponse g =
        app.createGrant(
            b ->
                b.keyId(arn("constrained"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.DECRYPT)
                    .constraints(c -> c.encryptionContextEquals(Map.of("tenant", "acme"))));
    admin.revokeGrant(b -> b.keyId(arn("constrained")).grantId(g.grantId()));
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("constrained"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT)
                        .constraints(c -> c.encryptionContextSubset(Map.of("tenant", "acme")))));
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("constrained"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT)));
  }

  @Test
  void grantIsForAwsResourceAppliesToListGrantsAndRevokeGrantToo() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("servicegrants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.DECRYPT));
    assertDenied(() -> app.listGrants(b -> b.keyId(arn("servicegrants"))));
    appViaS3.listGrants(b -> b.keyId(arn("servicegrants")));
    assertDenied(() -> app.revokeGrant(b -> b.keyId(arn("servicegrants")).grantId(g.grantId())));
    appViaS3.revokeGrant(b -> b.keyId(arn("servicegrants")).grantId(g.grantId()));
  }

  @Test
  void sourceIpIsTheAddressTheCallerConnectedFrom() {
    encrypt(app, arn("loopback"));
    assertDenied(() -> encrypt(app, arn("office")));
    // Through a service, the caller's address is not the request's.
    assertDenied(() -> encrypt(appViaS3, arn("loopback")));
  }

  @Test
  void retireGrantSeesTheSameRequestContextAsEveryOtherOperation() {
    // The caller connects from loopback, so its guard (Deny unless from here) must not deny its
    // RetireGrant: the request context has aws:SourceIp as for any other operation.
    KmsClient guarded = kms.kmsClientFor("GUARDED");
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("symmetric"))
                    .granteePrincipal(GRANTEE)
                    .retiringPrincipal(GUARDED)
                    .operations(GrantOperation.DECRYPT));
    guarded.retireGrant(b -> b.keyId(arn("symmetric")).grantId(g.grantId()));
    assertThat(admin.listGrants(b -> b.keyId(arn("symmetric"))).grants())
        .noneMatch(x -> x.grantId().equals(g.grantId()));
  }

  @Test
  void currentTimeAndEpochTimeAreTheLocalKmsClocksTimeOfTheRequest() {
    Instant boundary = Instant.parse("2031-05-20T08:00:00Z");
    String epoch = "1937030400"; // the same instant
    assertThat(Long.toString(boundary.getEpochSecond())).isEqualTo(epoch);
    String adminStmt = statement("Admin", "Allow", ADMIN, ALL, null);
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(
                PrincipalConfig.of(
                    "ADMIN", ADMIN, policy(statement("All", "Allow", null, ALL, null))))
            .principal(PrincipalConfig.of("APP", APP))
            .key(
                timedKey(
                    "until-iso", adminStmt, "DateLessThan", "aws:CurrentTime", boundary.toString()))
            .key(timedKey("until-epoch", adminStmt, "DateLessThan", "aws:EpochTime", epoch))
            .key(
                timedKey(
                    "from-iso",
                    adminStmt,
                    "DateGreaterThanEquals",
                    "aws:CurrentTime",
                    boundary.toString()))
            .key(timedKey("from-epoch", adminStmt, "DateGreaterThanEquals", "aws:EpochTime", epoch))
            .build();
    LocalKmsConfigTest.MutableClock clock = new LocalKmsConfigTest.MutableClock();
    clock.set(boundary.minusSeconds(1));
    try (LocalKms timed = LocalKms.builder().config(config).clock(clock).start()) {
      KmsClient client = timed.kmsClientFor("APP");
      encrypt(client, arn("until-iso"));
      encrypt(client, arn("until-epoch"));
      assertDenied(() -> encrypt(client, arn("from-iso")));
      assertDenied(() -> encrypt(client, arn("from-epoch")));
      clock.set(boundary);
      assertDenied(() -> encrypt(client, arn("until-iso")));
      assertDenied(() -> encrypt(client, arn("until-epoch")));
      encrypt(client, arn("from-iso"));
      encrypt(client, arn("from-epoch"));
    }
  }

  /** A key that APP may use only while {@code operator} holds for {@code key} and {@code value}. */
  private static KeyConfig timedKey(
      String name, String adminStmt, String operator, String key, String value) {
    return key(name)
        .policy(
            policy(
                adminStmt,
                statement(
                    "Timed",
                    "Allow",
                    APP,
                    USE,
                    "{\"" + operator + "\":{\"" + key + "\":\"" + value + "\"}}")))
        .build();
  }

  @Test
  void createKeyConditionsSeeTheRequestedKeyDefaultsIncluded() {
    String keyId = creator.createKey(b -> {}).keyMetadata().keyId();
    creator.createKey(b -> b.keySpec("SYMMETRIC_DEFAULT"));
    assertDenied(() -> creator.createKey(b -> b.multiRegion(true)));
    assertDenied(
        () ->
            creator.createKey(
                b ->
                    b.bypassPolicyLockoutSafetyCheck(true)
                        .policy(policy(KmsAssertions.allowRoot(A)))));
    String policy = policy(KmsAssertions.allowRoot(A));
    creator.putKeyPolicy(b -> b.keyId(keyId).policyName("default").policy(policy));
    assertDenied(
        () ->
            creator.putKeyPolicy(
                b ->
                    b.keyId(keyId)
                        .policyName("default")
                        .policy(policy)
                        .bypassPolicyLockoutSafetyCheck(true)));
  }

  @Test
  void replicateKeyImpliesACreateKeyWithTheFactsOfCreateKey() {
    // The replica is a new key: the CreateKey KMS requires for it carries what CreateKey carries.
    kms.kmsClientFor("REPLICATOR")
        .replicateKey(
            b -> b.keyId("arn:aws:kms:us-east-1:" + A + ":key/" + MRK).replicaRegion("eu-west-1"));
  }

  @Test
  void pendingWindowRotationPeriodAndReEncryptOnSameKeyComeFromTheRequest() {
    String k = arn("admin");
    // The defaults count: 30 days' window passes, 365 days' rotation passes.
    app.enableKeyRotation(b -> b.keyId(k));
    assertDenied(() -> app.enableKeyRotation(b -> b.keyId(k).rotationPeriodInDays(90)));
    SdkBytes blob = encrypt(app, k);
    app.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(k));
    assertDenied(
        () -> app.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(arn("symmetric"))));
    assertDenied(() -> app.scheduleKeyDeletion(b -> b.keyId(k).pendingWindowInDays(7)));
    app.scheduleKeyDeletion(b -> b.keyId(k));
    admin.cancelKeyDeletion(b -> b.keyId(k));
  }

  @Test
  void createKeyTagsAreRequestTagsAndTagKeys() {
    KmsClient tagger = kms.kmsClientFor("TAGGER");
    tagger.createKey(
        b ->
            b.tags(t -> t.tagKey("team").tagValue("crypto"), t -> t.tagKey("env").tagValue("dev")));
    assertDenied(() -> tagger.createKey(b -> b.tags(t -> t.tagKey("team").tagValue("web"))));
    assertDenied(
        () ->
            tagger.createKey(
                b ->
                    b.tags(
                        t -> t.tagKey("team").tagValue("crypto"),
                        t -> t.tagKey("owner").tagValue("x"))));
    assertDenied(() -> tagger.createKey(b -> {}));
  }
}

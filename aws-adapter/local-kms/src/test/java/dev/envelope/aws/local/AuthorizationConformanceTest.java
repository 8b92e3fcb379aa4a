package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.allowRoot;
import static dev.envelope.aws.local.KmsAssertions.assertDenied;
import static dev.envelope.aws.local.KmsAssertions.assertKmsError;
import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * Authorization scenarios as KMS documents them, each over real HTTP with the real KmsClient. One
 * server for the class; every scenario uses its own key or its own principal so order does not
 * matter.
 */
class AuthorizationConformanceTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String C = "777788889999";
  static final String ADMIN = "arn:aws:iam::" + A + ":role/Admin";
  static final String APP = "arn:aws:iam::" + A + ":role/App";
  static final String NOIAM = "arn:aws:iam::" + A + ":role/NoIam";
  static final String DENIED = "arn:aws:iam::" + A + ":role/Denied";
  static final String GRANTEE = "arn:aws:iam::" + A + ":role/Grantee";
  static final String PARTNER = "arn:aws:iam::" + B + ":role/Partner";
  static final String PARTNER_NOIAM = "arn:aws:iam::" + B + ":role/PartnerNoIam";
  static final String PARTNER_DENIED = "arn:aws:iam::" + B + ":role/PartnerDenied";
  static final String OTHER = "arn:aws:iam::" + C + ":role/Other";
  static final String S3 = "s3.us-east-1.amazonaws.com";
  static final String WEST = "us-west-2";

  static final String CRYPTO =
      "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\","
          + "\"kms:ReEncrypt*\",\"kms:DescribeKey\"]";
  static final String ALL = "\"kms:*\"";

  static LocalKms kms;
  static KmsClient admin;
  static KmsClient app;
  static KmsClient appViaS3;
  static KmsClient noIam;
  static KmsClient denied;
  static KmsClient grantee;
  static KmsClient partner;
  static KmsClient partnerNoIam;
  static KmsClient partnerDenied;
  static KmsClient other;
  static KmsClient bAdmin;

  @BeforeAll
  static void start() {
    String iamAll = policy(statement("All", "Allow", null, ALL, null));
    String iamCrypto = policy(statement("Crypto", "Allow", null, CRYPTO, null));
    String iamPartner =
        policy(
            "{\"Sid\":\"UseA\",\"Effect\":\"Allow\",\"Action\":[\"kms:Encrypt\","
                + "\"kms:Decrypt\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\",\"kms:CreateGrant\"],"
                + "\"Resource\":\"arn:aws:kms:*:"
                + A
                + ":key/*\"}");
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(PrincipalConfig.of("A_ADMIN", ADMIN, iamAll))
            .principal(PrincipalConfig.of("A_APP", APP, iamCrypto))
            .principal(PrincipalConfig.of("A_APP_S3", APP, iamCrypto).withViaService(S3))
            .principal(PrincipalConfig.of("A_NOIAM", NOIAM))
            .principal(
                PrincipalConfig.of(
                    "A_DENIED",
                    DENIED,
                    policy(
                        statement("All", "Allow", null, ALL, null),
                        statement("NoDecrypt", "Deny", null, "\"kms:Decrypt\"", null))))
            .principal(PrincipalConfig.of("A_GRANTEE", GRANTEE))
            .principal(PrincipalConfig.of("B_PARTNER", PARTNER, iamPartner))
            .principal(PrincipalConfig.of("B_NOIAM", PARTNER_NOIAM))
            .principal(
                PrincipalConfig.of(
                    "B_DENIED",
                    PARTNER_DENIED,
                    policy(
                        "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}",
                        "{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}")))
            .principal(PrincipalConfig.of("B_ADMIN", "arn:aws:iam::" + B + ":role/Admin", iamAll))
            .principal(PrincipalConfig.of("C_OTHER", OTHER, iamAll))
            // Default key policy: the account is trusted, IAM decides.
            .key(key("default").alias("alias/conf-default").build())
            // Key policy names NoIam directly; no delegation to the account.
            .key(
                key("direct")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement("Direct", "Allow", NOIAM, CRYPTO, null)))
                    .build())
            // No root statement: IAM policies grant nothing, even kms:*.
            .key(
                key("nodelegation")
                    .policy(policy(statement("Admin", "Allow", ADMIN, ALL, null)))
                    .build())
            // Delegation plus an explicit deny of Decrypt for App in the key policy.
            .key(
                key("keydeny")
                    .policy(
                        policy(
                            allowRoot(A),
                            statement("NoDecryptForApp", "Deny", APP, "\"kms:Decrypt\"", null)))
                    .build())
            // Trusts account B for use; C is not named.
            .key(
                key("cross")
                    .alias("alias/conf-cross")
                    .policy(
                        policy(
                            allowRoot(A),
                            statement(
                                "PartnerUse",
                                "Allow",
                                "arn:aws:iam::" + B + ":root",
                                "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\","
                                    + "\"kms:CreateGrant\"]",
                                null)))
                    .build())
            // Names one partner role directly: still needs that role's IAM policy (cross-account).
            .key(
                key("crossdirect")
                    .policy(
                        policy(
                            allowRoot(A),
                            statement("PartnerNoIam", "Allow", PARTNER_NOIAM, CRYPTO, null)))
                    .build())
            // App may use the key only through S3.
            .key(
                key("via")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "ViaS3",
                                "Allow",
                                APP,
                                CRYPTO,
                                "{\"StringEquals\":{\"kms:ViaService\":\"" + S3 + "\"}}")))
                    .build())
            // App may use the key only with tenant=acme in the encryption context.
            .key(
                key("ec")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "Tenant",
                                "Allow",
                                APP,
                                CRYPTO,
                                "{\"StringEquals\":{\"kms:EncryptionContext:tenant\":\"acme\"}}")))
                    .build())
            // The trap: ForAllValues over the context keys is vacuously true for an empty context.
            .key(
                key("forall")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "KeysOnlyTenant",
                                "Allow",
                                APP,
                                CRYPTO,
                                "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":[\"tenant\"]}}")))
                    .build())
            // ForAnyValue on a single-valued key: a one-element set, so it needs the key present.
            .key(
                key("forany")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "AnyTenant",
                                "Allow",
                                APP,
                                CRYPTO,
                                "{\"ForAnyValue:StringEquals\":{\"kms:EncryptionContext:tenant\":[\"acme\","
                                    + "\"globex\"]}}")))
                    .build())
            // Requests must not name this key by alias ... only by alias (kms:RequestAlias).
            .key(
                key("reqalias")
                    .alias("alias/conf-reqalias")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "OnlyByAlias",
                                "Allow",
                                APP,
                                CRYPTO,
                                "{\"StringEquals\":{\"kms:RequestAlias\":\"alias/conf-reqalias\"}}")))
                    .build())
            // App may create grants, but only for Decrypt/Encrypt.
            .key(
                key("grantops")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "LimitedGrants",
                                "Allow",
                                APP,
                                "\"kms:CreateGrant\"",
                                "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Decrypt\","
                                    + "\"Encrypt\"]}}")))
                    .build())
            // App may create grants only for AWS resources (through an integrated service).
            .key(
                key("awsresource")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            statement(
                                "ServiceGrants",
                                "Allow",
                                APP,
                                "\"kms:CreateGrant\"",
                                "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}")))
                    .build())
            // Everyone, but only callers from account A (kms:CallerAccount).
            .key(
                key("calleraccount")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            "{\"Sid\":\"AccountA\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                                + "\"Action\":"
                                + CRYPTO
                                + ",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                                + "{\"kms:CallerAccount\":\""
                                + A
                                + "\"}}}"))
                    .build())
            // Everyone, but only principals whose ARN matches role/App* (aws:PrincipalArn).
            .key(
                key("principalarn")
                    .policy(
                        policy(
                            statement("Admin", "Allow", ADMIN, ALL, null),
                            "{\"Sid\":\"AppRoles\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                                + "\"Action\":"
                                + CRYPTO
                                + ",\"Resource\":\"*\",\"Condition\":{\"ArnLike\":"
                                + "{\"aws:PrincipalArn\":\"arn:aws:iam::"
                                + A
                                + ":role/App*\"}}}"))
                    .build())
            .key(
                key("grants").policy(policy(statement("Admin", "Allow", ADMIN, ALL, null))).build())
            .key(key("disabled").state(KeyConfig.State.DISABLED).build())
            .key(key("pending").state(KeyConfig.State.PENDING_DELETION).build())
            .key(
                KeyConfig.builder()
                    .keyId("mrk-0123456789abcdef0123456789abcdef")
                    .accountId(A)
                    .multiRegion(true)
                    .replicaRegion(WEST)
                    .alias("alias/conf-mrk")
                    .build())
            // Account B has its own key under an alias name that also exists in A.
            .key(
                KeyConfig.builder()
                    .keyId("b0000000-0000-0000-0000-000000000001")
                    .accountId(B)
                    .alias("alias/conf-default")
                    .build())
            .build();
    kms = LocalKms.start(config);
    admin = kms.kmsClientFor("A_ADMIN");
    app = kms.kmsClientFor("A_APP");
    appViaS3 = kms.kmsClientFor("A_APP_S3");
    noIam = kms.kmsClientFor("A_NOIAM");
    denied = kms.kmsClientFor("A_DENIED");
    grantee = kms.kmsClientFor("A_GRANTEE");
    partner = kms.kmsClientFor("B_PARTNER");
    partnerNoIam = kms.kmsClientFor("B_NOIAM");
    partnerDenied = kms.kmsClientFor("B_DENIED");
    other = kms.kmsClientFor("C_OTHER");
    bAdmin = kms.kmsClientFor("B_ADMIN");
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  private static KeyConfig.Builder key(String name) {
    return KeyConfig.builder().keyId(id(name)).accountId(A);
  }

  /** A readable, valid-looking key id per scenario key. */
  static String id(String name) {
    String hex = String.format("%012x", Math.abs((long) name.hashCode()));
    return "aaaaaaaa-0000-4000-8000-" + hex.substring(hex.length() - 12);
  }

  static String arn(String name) {
    return "arn:aws:kms:us-east-1:" + A + ":key/" + id(name);
  }

  static SdkBytes encryptAs(KmsClient client, String keyId, Map<String, String> ctx) {
    return client
        .encrypt(
            b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("secret")).encryptionContext(ctx))
        .ciphertextBlob();
  }

  static String decryptAs(KmsClient client, SdkBytes blob, Map<String, String> ctx) {
    return client
        .decrypt(b -> b.ciphertextBlob(blob).encryptionContext(ctx))
        .plaintext()
        .asUtf8String();
  }

  static String lastDecision() {
    return kms.auditLog().last().orElseThrow().decision();
  }

  // ---- same account ----------------------------------------------------------------------

  @Test
  void sameAccountViaIamDelegation() {
    SdkBytes blob = encryptAs(app, arn("default"), Map.of());
    assertThat(decryptAs(app, blob, Map.of())).isEqualTo("secret");
    assertThat(kms.auditLog().last().orElseThrow().decidedBy()).contains("identity policy");
  }

  @Test
  void sameAccountWithoutAnyIamPolicyAndDelegationOnlyIsDenied() {
    assertDenied(() -> encryptAs(noIam, arn("default"), Map.of()))
        .hasMessageContaining("kms:Encrypt");
    assertThat(lastDecision()).isEqualTo("IMPLICIT_DENY");
  }

  @Test
  void sameAccountViaKeyPolicyAloneNeedsNoIamPolicy() {
    SdkBytes blob = encryptAs(noIam, arn("direct"), Map.of());
    assertThat(decryptAs(noIam, blob, Map.of())).isEqualTo("secret");
    assertThat(kms.auditLog().last().orElseThrow().decidedBy()).contains("Direct");
  }

  @Test
  void keyPolicyNamingAPrincipalDoesNotExtendToOtherActions() {
    assertDenied(() -> noIam.disableKey(b -> b.keyId(arn("direct"))));
  }

  @Test
  void iamPolicyWithoutKeyPolicyDelegationGrantsNothing() {
    // Admin's IAM policy allows kms:*, the key policy names Admin: allowed.
    admin.describeKey(b -> b.keyId(arn("nodelegation")));
    // App's IAM policy allows Encrypt, but the key policy does not trust the account.
    assertDenied(() -> encryptAs(app, arn("nodelegation"), Map.of()));
  }

  @Test
  void explicitDenyInKeyPolicyWinsOverIamAllow() {
    SdkBytes blob = encryptAs(app, arn("keydeny"), Map.of());
    assertDenied(() -> decryptAs(app, blob, Map.of())).hasMessageContaining("explicit deny");
    assertThat(lastDecision()).isEqualTo("EXPLICIT_DENY");
    // The deny names App only: Admin still decrypts.
    assertThat(decryptAs(admin, blob, Map.of())).isEqualTo("secret");
  }

  @Test
  void explicitDenyInIamPolicyWinsOverKeyPolicyAllow() {
    SdkBytes blob = encryptAs(denied, arn("default"), Map.of());
    assertDenied(() -> decryptAs(denied, blob, Map.of())).hasMessageContaining("explicit deny");
    assertThat(lastDecision()).isEqualTo("EXPLICIT_DENY");
  }

  @Test
  void explicitDenyInIamPolicyWinsOverGrant() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(DENIED)
                    .operations(GrantOperation.DECRYPT, GrantOperation.ENCRYPT));
    SdkBytes blob =
        denied
            .encrypt(
                b ->
                    b.keyId(arn("grants"))
                        .grantTokens(g.grantToken())
                        .plaintext(SdkBytes.fromUtf8String("x")))
            .ciphertextBlob();
    assertDenied(() -> denied.decrypt(b -> b.ciphertextBlob(blob).grantTokens(g.grantToken())));
    assertThat(lastDecision()).isEqualTo("EXPLICIT_DENY");
  }

  // ---- cross account -----------------------------------------------------------------------

  @Test
  void crossAccountWithKeyPolicyAndIamPolicyIsAllowed() {
    SdkBytes blob = encryptAs(partner, arn("cross"), Map.of("k", "v"));
    assertThat(decryptAs(partner, blob, Map.of("k", "v"))).isEqualTo("secret");
    assertThat(decryptAs(app, blob, Map.of("k", "v"))).isEqualTo("secret");
  }

  @Test
  void crossAccountWithKeyPolicyButNoIamPolicyIsDenied() {
    assertDenied(() -> encryptAs(partnerNoIam, arn("cross"), Map.of()));
  }

  @Test
  void crossAccountNamingTheRoleDirectlyStillNeedsItsIamPolicy() {
    assertDenied(() -> encryptAs(partnerNoIam, arn("crossdirect"), Map.of()));
  }

  @Test
  void crossAccountWithIamPolicyButNoKeyPolicyStatementIsDenied() {
    // C's IAM policy allows kms:* on everything; the key policy does not name account C.
    assertDenied(() -> encryptAs(other, arn("cross"), Map.of()));
    assertDenied(() -> encryptAs(other, arn("default"), Map.of()));
  }

  @Test
  void crossAccountExplicitDenyInCallersIamPolicyWins() {
    SdkBytes blob = encryptAs(partner, arn("cross"), Map.of());
    assertThat(
            partnerDenied
                .encrypt(b -> b.keyId(arn("cross")).plaintext(SdkBytes.fromUtf8String("y")))
                .keyId())
        .isEqualTo(arn("cross"));
    assertDenied(() -> decryptAs(partnerDenied, blob, Map.of()));
    assertThat(lastDecision()).isEqualTo("EXPLICIT_DENY");
  }

  @Test
  void crossAccountNeedsKeyArnBecauseBareKeyIdResolvesInCallersAccount() {
    assertKmsError(() -> encryptAs(partner, id("cross"), Map.of()), "NotFoundException")
        .hasMessageContaining(B);
  }

  @Test
  void crossAccountKeyManagementIsNotPossibleEvenWithKeyArn() {
    // PutKeyPolicy, DisableKey etc. are not cross-account operations.
    assertDenied(() -> partner.disableKey(b -> b.keyId(arn("cross"))));
    assertDenied(() -> partner.getKeyPolicy(b -> b.keyId(arn("cross"))));
  }

  @Test
  void crossAccountDecryptNeedsNoKeyIdBecauseTheCiphertextNamesTheKey() {
    SdkBytes blob = encryptAs(app, arn("cross"), Map.of());
    assertThat(partner.decrypt(b -> b.ciphertextBlob(blob)).keyId()).isEqualTo(arn("cross"));
  }

  // ---- aliases across accounts ----------------------------------------------------------------

  @Test
  void aliasNameResolvesInTheCallersOwnAccount() {
    // Both accounts have alias/conf-default; each caller gets its own account's key.
    String mine = app.describeKey(b -> b.keyId("alias/conf-default")).keyMetadata().arn();
    String theirs = bAdmin.describeKey(b -> b.keyId("alias/conf-default")).keyMetadata().arn();
    assertThat(mine).isEqualTo(arn("default"));
    assertThat(theirs).contains(":" + B + ":key/b0000000-");
  }

  @Test
  void aliasNameOfAnotherAccountIsNotFoundButItsAliasArnWorks() {
    assertKmsError(() -> encryptAs(partner, "alias/conf-cross", Map.of()), "NotFoundException");
    String aliasArn = "arn:aws:kms:us-east-1:" + A + ":alias/conf-cross";
    assertThat(
            partner.encrypt(b -> b.keyId(aliasArn).plaintext(SdkBytes.fromUtf8String("z"))).keyId())
        .isEqualTo(arn("cross"));
  }

  @Test
  void requestAliasConditionAllowsOnlyRequestsNamingTheAlias() {
    SdkBytes blob = encryptAs(app, "alias/conf-reqalias", Map.of());
    assertDenied(() -> encryptAs(app, arn("reqalias"), Map.of()));
    // Decrypt without KeyId carries no alias, so it is denied; naming the alias works.
    assertDenied(() -> decryptAs(app, blob, Map.of()));
    assertThat(
            app.decrypt(b -> b.ciphertextBlob(blob).keyId("alias/conf-reqalias"))
                .plaintext()
                .asUtf8String())
        .isEqualTo("secret");
  }

  // ---- conditions --------------------------------------------------------------------------

  @Test
  void viaServiceConditionDeniesDirectCalls() {
    assertDenied(() -> encryptAs(app, arn("via"), Map.of()));
    SdkBytes blob = encryptAs(appViaS3, arn("via"), Map.of());
    assertThat(decryptAs(appViaS3, blob, Map.of())).isEqualTo("secret");
    assertThat(kms.auditLog().last().orElseThrow().decidedBy()).contains("ViaS3");
  }

  @Test
  void encryptionContextConditionRequiresTheValue() {
    SdkBytes blob = encryptAs(app, arn("ec"), Map.of("tenant", "acme"));
    assertThat(decryptAs(app, blob, Map.of("tenant", "acme"))).isEqualTo("secret");
    assertDenied(() -> encryptAs(app, arn("ec"), Map.of("tenant", "globex")));
    assertDenied(() -> encryptAs(app, arn("ec"), Map.of()));
  }

  @Test
  void encryptionContextValuesAreCaseSensitive() {
    assertDenied(() -> encryptAs(app, arn("ec"), Map.of("tenant", "ACME")));
  }

  @Test
  void forAllValuesOnContextKeysIsVacuouslyTrueForAnEmptyContext() {
    // The trap: the statement meant "only tenant", but a request without context matches too.
    SdkBytes blob = encryptAs(app, arn("forall"), Map.of());
    assertThat(decryptAs(app, blob, Map.of())).isEqualTo("secret");
    encryptAs(app, arn("forall"), Map.of("tenant", "x"));
    assertDenied(() -> encryptAs(app, arn("forall"), Map.of("tenant", "x", "other", "y")));
  }

  @Test
  void forAnyValueOnSingleValuedContextKeyActsAsOneElementSet() {
    encryptAs(app, arn("forany"), Map.of("tenant", "globex"));
    assertDenied(() -> encryptAs(app, arn("forany"), Map.of("tenant", "initech")));
    // Absent key: ForAnyValue has nothing to match, so it is false (unlike ForAllValues).
    assertDenied(() -> encryptAs(app, arn("forany"), Map.of()));
  }

  @Test
  void grantOperationsConditionLimitsWhatGrantsMayAllow() {
    CreateGrantResponse g =
        app.createGrant(
            b ->
                b.keyId(arn("grantops"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.DECRYPT));
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("grantops"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT, GrantOperation.CREATE_GRANT)));
    admin.revokeGrant(b -> b.keyId(arn("grantops")).grantId(g.grantId()));
  }

  @Test
  void grantIsForAwsResourceAllowsGrantsOnlyThroughAService() {
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("awsresource"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT)));
    CreateGrantResponse g =
        appViaS3.createGrant(
            b ->
                b.keyId(arn("awsresource"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.DECRYPT));
    admin.revokeGrant(b -> b.keyId(arn("awsresource")).grantId(g.grantId()));
  }

  @Test
  void callerAccountConditionExcludesOtherAccountsEvenWithPrincipalStar() {
    encryptAs(noIam, arn("calleraccount"), Map.of());
    assertDenied(() -> encryptAs(partner, arn("calleraccount"), Map.of()));
  }

  @Test
  void principalArnConditionMatchesRolesByPattern() {
    encryptAs(app, arn("principalarn"), Map.of());
    assertDenied(() -> encryptAs(noIam, arn("principalarn"), Map.of()));
  }

  // ---- grants ------------------------------------------------------------------------------

  @Test
  void grantAllowsGranteeWithoutAnyPolicy() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.ENCRYPT, GrantOperation.DECRYPT));
    SdkBytes blob =
        grantee
            .encrypt(b -> b.keyId(arn("grants")).plaintext(SdkBytes.fromUtf8String("g")))
            .ciphertextBlob();
    assertThat(kms.auditLog().last().orElseThrow().decidedBy()).contains(g.grantId());
    assertThat(grantee.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String())
        .isEqualTo("g");
    // Operations not in the grant stay denied.
    assertDenied(() -> grantee.describeKey(b -> b.keyId(arn("grants"))));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
    assertDenied(() -> grantee.decrypt(b -> b.ciphertextBlob(blob)));
  }

  @Test
  void grantWithEncryptionContextEqualsConstraint() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.ENCRYPT)
                    .constraints(c -> c.encryptionContextEquals(Map.of("dept", "hr"))));
    grantee.encrypt(
        b ->
            b.keyId(arn("grants"))
                .plaintext(SdkBytes.fromUtf8String("x"))
                .encryptionContext(Map.of("dept", "hr")));
    assertDenied(
        () ->
            grantee.encrypt(
                b ->
                    b.keyId(arn("grants"))
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionContext(Map.of("dept", "hr", "extra", "1"))));
    assertDenied(
        () -> grantee.encrypt(b -> b.keyId(arn("grants")).plaintext(SdkBytes.fromUtf8String("x"))));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
  }

  @Test
  void grantWithEncryptionContextSubsetConstraint() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.GENERATE_DATA_KEY)
                    .constraints(c -> c.encryptionContextSubset(Map.of("dept", "ops"))));
    grantee.generateDataKey(
        b ->
            b.keyId(arn("grants"))
                .keySpec("AES_256")
                .encryptionContext(Map.of("dept", "ops", "file", "a.txt")));
    assertDenied(
        () ->
            grantee.generateDataKey(
                b ->
                    b.keyId(arn("grants"))
                        .keySpec("AES_256")
                        .encryptionContext(Map.of("file", "a.txt"))));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
  }

  @Test
  void grantTokenMakesGrantUsableBeforePropagation() {
    kms.setGrantPropagationDelay(Duration.ofHours(1));
    try {
      CreateGrantResponse g =
          admin.createGrant(
              b ->
                  b.keyId(arn("grants"))
                      .granteePrincipal(GRANTEE)
                      .operations(GrantOperation.ENCRYPT));
      // Not yet visible: without the token the grantee is denied ...
      assertDenied(
          () ->
              grantee.encrypt(b -> b.keyId(arn("grants")).plaintext(SdkBytes.fromUtf8String("t"))));
      // ... with it, allowed at once.
      grantee.encrypt(
          b ->
              b.keyId(arn("grants"))
                  .plaintext(SdkBytes.fromUtf8String("t"))
                  .grantTokens(g.grantToken()));
      assertThat(kms.auditLog().last().orElseThrow().grantTokens())
          .hasSize(1)
          .doesNotContain(g.grantToken());
      admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
    } finally {
      kms.setGrantPropagationDelay(Duration.ZERO);
    }
  }

  @Test
  void malformedGrantTokenIsRejected() {
    assertKmsError(
        () ->
            app.encrypt(
                b ->
                    b.keyId(arn("default"))
                        .grantTokens("not-a-token")
                        .plaintext(SdkBytes.fromUtf8String("t"))),
        "InvalidGrantTokenException");
  }

  @Test
  void grantToAnotherAccountNeedsNoIamPolicyOnTheGranteeSide() {
    // KMS docs: a grant to a cross-account principal works without the key policy naming it.
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(PARTNER_NOIAM)
                    .operations(GrantOperation.ENCRYPT));
    partnerNoIam.encrypt(b -> b.keyId(arn("grants")).plaintext(SdkBytes.fromUtf8String("p")));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
    assertDenied(
        () ->
            partnerNoIam.encrypt(
                b -> b.keyId(arn("grants")).plaintext(SdkBytes.fromUtf8String("p"))));
  }

  @Test
  void retireGrantIsAuthorizedByTheGrantNotByPolicies() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .retiringPrincipal(NOIAM)
                    .operations(GrantOperation.ENCRYPT));
    // App's IAM allows a lot, but it is neither retiring principal nor grantee.
    assertDenied(() -> app.retireGrant(b -> b.grantToken(g.grantToken())));
    // The grantee lacks RetireGrant in the grant.
    assertDenied(() -> grantee.retireGrant(b -> b.grantToken(g.grantToken())));
    noIam.retireGrant(b -> b.grantToken(g.grantToken()));
    assertThat(admin.listGrants(b -> b.keyId(arn("grants"))).grants())
        .noneMatch(x -> x.grantId().equals(g.grantId()));
  }

  @Test
  void theKeysAccountDelegatesRetiringThroughIamPolicies() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .retiringPrincipal(NOIAM)
                    .operations(GrantOperation.ENCRYPT));
    // Denied's IAM policy allows kms:* (RetireGrant included) but denies Decrypt only.
    denied.retireGrant(b -> b.keyId(arn("grants")).grantId(g.grantId()));
    assertThat(lastDecision()).isEqualTo("ALLOW");
    // Other's IAM policy allows kms:* too, but its account neither owns the key nor retires the
    // grant.
    CreateGrantResponse g2 =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.ENCRYPT));
    assertDenied(() -> other.retireGrant(b -> b.grantToken(g2.grantToken())));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(g2.grantId()));
  }

  @Test
  void createGrantNeedsCreateGrantPermission() {
    assertDenied(
        () ->
            app.createGrant(
                b ->
                    b.keyId(arn("default"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.DECRYPT)));
  }

  @Test
  void crossAccountCreateGrantWithBothSidesIsAllowed() {
    CreateGrantResponse g =
        partner.createGrant(
            b ->
                b.keyId(arn("cross"))
                    .granteePrincipal(PARTNER_NOIAM)
                    .operations(GrantOperation.ENCRYPT));
    assertThat(g.grantId()).hasSize(64);
    partnerNoIam.encrypt(b -> b.keyId(arn("cross")).plaintext(SdkBytes.fromUtf8String("c")));
    admin.revokeGrant(b -> b.keyId(arn("cross")).grantId(g.grantId()));
  }

  @Test
  void grantWithCreateGrantAllowsOnlyNarrowerGrants() {
    CreateGrantResponse parent =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.CREATE_GRANT, GrantOperation.DECRYPT));
    // Narrower: Decrypt only. Allowed through the parent grant, no policy involved.
    CreateGrantResponse child =
        grantee.createGrant(
            b -> b.keyId(arn("grants")).granteePrincipal(NOIAM).operations(GrantOperation.DECRYPT));
    // Broader: Encrypt is not in the parent grant.
    assertDenied(
        () ->
            grantee.createGrant(
                b ->
                    b.keyId(arn("grants"))
                        .granteePrincipal(NOIAM)
                        .operations(GrantOperation.ENCRYPT)));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(child.grantId()));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(parent.grantId()));
  }

  @Test
  void grantWithConstraintAndCreateGrantRequiresEquallyStrictChildren() {
    CreateGrantResponse parent =
        admin.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.CREATE_GRANT, GrantOperation.DECRYPT)
                    .constraints(c -> c.encryptionContextSubset(Map.of("dept", "hr"))));
    assertDenied(
        () ->
            grantee.createGrant(
                b ->
                    b.keyId(arn("grants"))
                        .granteePrincipal(NOIAM)
                        .operations(GrantOperation.DECRYPT)));
    CreateGrantResponse child =
        grantee.createGrant(
            b ->
                b.keyId(arn("grants"))
                    .granteePrincipal(NOIAM)
                    .operations(GrantOperation.DECRYPT)
                    .constraints(
                        c -> c.encryptionContextSubset(Map.of("dept", "hr", "site", "a"))));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(child.grantId()));
    admin.revokeGrant(b -> b.keyId(arn("grants")).grantId(parent.grantId()));
  }

  @Test
  void grantOnlyForDisabledKeyStillRefusesUse() {
    // CreateGrant works on a disabled key (KMS allows it); using the grant does not.
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(arn("disabled"))
                    .granteePrincipal(GRANTEE)
                    .operations(GrantOperation.ENCRYPT));
    assertKmsError(
        () ->
            grantee.encrypt(b -> b.keyId(arn("disabled")).plaintext(SdkBytes.fromUtf8String("d"))),
        "DisabledException");
    admin.revokeGrant(b -> b.keyId(arn("disabled")).grantId(g.grantId()));
  }

  @Test
  void createGrantOnPendingDeletionKeyIsInvalidState() {
    assertKmsError(
        () ->
            admin.createGrant(
                b ->
                    b.keyId(arn("pending"))
                        .granteePrincipal(GRANTEE)
                        .operations(GrantOperation.ENCRYPT)),
        "KMSInvalidStateException");
  }

  // ---- key states --------------------------------------------------------------------------

  @Test
  void disabledKeyRefusesUseButNotDescribe() {
    assertKmsError(() -> encryptAs(app, arn("disabled"), Map.of()), "DisabledException");
    assertThat(app.describeKey(b -> b.keyId(arn("disabled"))).keyMetadata().enabled()).isFalse();
  }

  @Test
  void unauthorizedCallerSeesAccessDeniedNotTheKeyState() {
    assertDenied(() -> encryptAs(noIam, arn("disabled"), Map.of()));
    assertDenied(() -> encryptAs(noIam, arn("pending"), Map.of()));
  }

  @Test
  void pendingDeletionKeyRefusesUseWithInvalidState() {
    assertKmsError(() -> encryptAs(app, arn("pending"), Map.of()), "KMSInvalidStateException")
        .hasMessageContaining("pending deletion");
    assertThat(app.describeKey(b -> b.keyId(arn("pending"))).keyMetadata().keyStateAsString())
        .isEqualTo("PendingDeletion");
  }

  // ---- multi-Region ------------------------------------------------------------------------

  @Test
  void multiRegionReplicaDecryptsCiphertextFromThePrimaryRegion() {
    String mrk = "mrk-0123456789abcdef0123456789abcdef";
    SdkBytes blob = encryptAs(app, "alias/conf-mrk", Map.of("r", "1"));
    KmsClient appWest = kms.kmsClientFor("A_APP", WEST);
    var out = appWest.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("r", "1")));
    assertThat(out.plaintext().asUtf8String()).isEqualTo("secret");
    assertThat(out.keyId()).isEqualTo("arn:aws:kms:us-west-2:" + A + ":key/" + mrk);
  }

  @Test
  void multiRegionReplicaHasItsOwnKeyPolicy() {
    String mrk = "mrk-0123456789abcdef0123456789abcdef";
    KmsClient adminWest = kms.kmsClientFor("A_ADMIN", WEST);
    String westArn = "arn:aws:kms:us-west-2:" + A + ":key/" + mrk;
    SdkBytes blob = encryptAs(app, "alias/conf-mrk", Map.of());
    String before = adminWest.getKeyPolicy(b -> b.keyId(westArn)).policy();
    try {
      adminWest.putKeyPolicy(
          b -> b.keyId(westArn).policy(policy(statement("Admin", "Allow", ADMIN, ALL, null))));
      KmsClient appWest = kms.kmsClientFor("A_APP", WEST);
      assertDenied(() -> appWest.decrypt(b -> b.ciphertextBlob(blob)));
      // The primary's policy is unchanged.
      assertThat(decryptAs(app, blob, Map.of())).isEqualTo("secret");
    } finally {
      adminWest.putKeyPolicy(b -> b.keyId(westArn).policy(before));
    }
  }

  @Test
  void keyArnOfAnotherRegionIsNotFoundAtThisEndpoint() {
    KmsClient appWest = kms.kmsClientFor("A_APP", WEST);
    assertKmsError(() -> encryptAs(appWest, arn("default"), Map.of()), "NotFoundException");
  }

  @Test
  void auditRecordsTheDecidingStatementForEveryDecision() {
    kms.auditLog().clear();
    encryptAs(app, arn("default"), Map.of("tenant", "acme"));
    assertDenied(() -> encryptAs(other, arn("default"), Map.of()));
    List<AuditEvent> events = kms.auditLog().events();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).decision()).isEqualTo("ALLOW");
    assertThat(events.get(0).encryptionContext()).containsEntry("tenant", "acme");
    assertThat(events.get(1).decision()).isEqualTo("IMPLICIT_DENY");
    assertThat(events.get(1).callerArn()).isEqualTo(OTHER);
    assertThat(events.get(1).errorCode()).isEqualTo("AccessDeniedException");
    assertThat(events.get(1).decidedBy()).isNotBlank();
  }
}

package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.allowRoot;
import static dev.envelope.aws.local.KmsAssertions.assertDenied;
import static dev.envelope.aws.local.KmsAssertions.assertKmsError;
import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GrantListEntry;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidGrantIdException;
import software.amazon.awssdk.services.kms.model.InvalidGrantTokenException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/** Every operation round-trips through the real KmsClient; errors map to the SDK's classes. */
class LocalKmsProtocolTest {
  static final String A = LocalKmsConfig.DEFAULT_ACCOUNT;
  static final String B = "444455556666";
  static final String B_ADMIN = "arn:aws:iam::" + B + ":role/Admin";

  @TempDir static Path dir;
  static Path auditFile;
  static LocalKms kms;
  static KmsClient admin;
  static KmsClient app;
  static KmsClient bAdmin;

  @BeforeAll
  static void start() {
    auditFile = dir.resolve("audit.jsonl");
    LocalKmsConfig config =
        LocalKmsConfig.defaults().toBuilder()
            .principal(
                PrincipalConfig.of(
                        "B_ADMIN",
                        B_ADMIN,
                        policy(statement("All", "Allow", null, "\"kms:*\"", null)))
                    .withSecret("b-secret"))
            .principal(PrincipalConfig.of("A_NOBODY", "arn:aws:iam::" + A + ":user/nobody"))
            .principal(
                PrincipalConfig.of(
                    "A_CREATOR",
                    "arn:aws:iam::" + A + ":user/creator",
                    policy(statement("Create", "Allow", null, "[\"kms:CreateKey\"]", null))))
            .auditFile(auditFile)
            .build();
    kms = LocalKms.start(config);
    admin = kms.kmsClientFor(LocalKmsConfig.ADMIN_ACCESS_KEY_ID);
    app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
    bAdmin = kms.kmsClientFor("B_ADMIN");
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  static String newKey(String description) {
    return admin.createKey(b -> b.description(description)).keyMetadata().keyId();
  }

  static SdkBytes bytes(String s) {
    return SdkBytes.fromUtf8String(s);
  }

  // ---- keys --------------------------------------------------------------------------------

  @Test
  void createKeyDescribeKeyAndListKeys() {
    KeyMetadata created = admin.createKey(b -> b.description("orders")).keyMetadata();
    assertThat(created.keyId()).matches("[0-9a-f-]{36}");
    assertThat(created.arn()).isEqualTo("arn:aws:kms:us-east-1:" + A + ":key/" + created.keyId());
    assertThat(created.awsAccountId()).isEqualTo(A);
    assertThat(created.enabled()).isTrue();
    assertThat(created.keyStateAsString()).isEqualTo("Enabled");
    assertThat(created.keySpecAsString()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(created.keyUsageAsString()).isEqualTo("ENCRYPT_DECRYPT");
    assertThat(created.keyManagerAsString()).isEqualTo("CUSTOMER");
    assertThat(created.originAsString()).isEqualTo("AWS_KMS");
    assertThat(created.encryptionAlgorithmsAsStrings()).containsExactly("SYMMETRIC_DEFAULT");
    assertThat(created.multiRegion()).isFalse();
    assertThat(created.creationDate()).isBetween(Instant.now().minusSeconds(60), Instant.now());

    KeyMetadata byId = app.describeKey(b -> b.keyId(created.keyId())).keyMetadata();
    KeyMetadata byArn = app.describeKey(b -> b.keyId(created.arn())).keyMetadata();
    assertThat(byId.description()).isEqualTo("orders");
    assertThat(byArn.keyId()).isEqualTo(created.keyId());

    assertThat(
            admin.listKeysPaginator(b -> b.limit(1)).keys().stream().map(k -> k.keyArn()).toList())
        .contains(created.arn(), kms.keyArn(A, LocalKmsConfig.DEFAULT_KEY_ID));
    // Another account sees only its own keys.
    assertThat(bAdmin.listKeys().keys()).noneMatch(k -> k.keyId().equals(created.keyId()));
  }

  @Test
  void unknownKeyIsNotFound() {
    assertThatThrownBy(() -> app.describeKey(b -> b.keyId("11111111-2222-3333-4444-555555555555")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> app.describeKey(b -> b.keyId("alias/nope")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("alias/nope");
  }

  @Test
  void createKeyRefusesAsymmetricSpecsAndExternalOrigin() {
    assertThatThrownBy(() -> admin.createKey(b -> b.keySpec("RSA_2048").keyUsage("SIGN_VERIFY")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> admin.createKey(b -> b.origin("EXTERNAL")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void updateKeyDescription() {
    String key = newKey("before");
    admin.updateKeyDescription(b -> b.keyId(key).description("after"));
    assertThat(app.describeKey(b -> b.keyId(key)).keyMetadata().description()).isEqualTo("after");
  }

  // ---- aliases -----------------------------------------------------------------------------

  @Test
  void createListUpdateAndDeleteAliases() {
    String k1 = newKey("alias-1");
    String k2 = newKey("alias-2");
    admin.createAlias(b -> b.aliasName("alias/protocol-test").targetKeyId(k1));
    assertThat(app.encrypt(b -> b.keyId("alias/protocol-test").plaintext(bytes("p"))).keyId())
        .endsWith(k1);
    assertThat(admin.listAliases(b -> b.keyId(k1)).aliases())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.aliasName()).isEqualTo("alias/protocol-test");
              assertThat(a.aliasArn())
                  .isEqualTo("arn:aws:kms:us-east-1:" + A + ":alias/protocol-test");
              assertThat(a.targetKeyId()).isEqualTo(k1);
              assertThat(a.creationDate()).isNotNull();
            });
    assertThat(admin.listAliases().aliases())
        .extracting(a -> a.aliasName())
        .contains(LocalKmsConfig.DEFAULT_ALIAS, "alias/protocol-test");

    assertThatThrownBy(
            () -> admin.createAlias(b -> b.aliasName("alias/protocol-test").targetKeyId(k2)))
        .isInstanceOf(AlreadyExistsException.class);
    admin.updateAlias(b -> b.aliasName("alias/protocol-test").targetKeyId(k2));
    assertThat(app.encrypt(b -> b.keyId("alias/protocol-test").plaintext(bytes("p"))).keyId())
        .endsWith(k2);
    admin.deleteAlias(b -> b.aliasName("alias/protocol-test"));
    assertThatThrownBy(() -> app.encrypt(b -> b.keyId("alias/protocol-test").plaintext(bytes("p"))))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () -> admin.updateAlias(b -> b.aliasName("alias/protocol-test").targetKeyId(k2)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aliasNamesAreValidated() {
    String k = newKey("alias-names");
    assertThatThrownBy(() -> admin.createAlias(b -> b.aliasName("no-prefix").targetKeyId(k)))
        .isInstanceOf(InvalidAliasNameException.class);
    assertThatThrownBy(
            () -> admin.createAlias(b -> b.aliasName("alias/aws/reserved").targetKeyId(k)))
        .isInstanceOf(InvalidAliasNameException.class);
    assertThatThrownBy(() -> admin.createAlias(b -> b.aliasName("alias/bad name").targetKeyId(k)))
        .isInstanceOf(InvalidAliasNameException.class);
  }

  @Test
  void listKeysPaginatesWithMarkers() {
    for (int i = 0; i < 3; i++) {
      newKey("page-" + i);
    }
    var first = admin.listKeys(b -> b.limit(2));
    assertThat(first.keys()).hasSize(2);
    assertThat(first.truncated()).isTrue();
    var second = admin.listKeys(b -> b.limit(2).marker(first.nextMarker()));
    assertThat(second.keys()).doesNotContainAnyElementsOf(first.keys());
    assertThatThrownBy(() -> admin.listKeys(b -> b.marker("bogus")))
        .isInstanceOf(InvalidMarkerException.class);
  }

  // ---- cryptographic operations ------------------------------------------------------------

  @Test
  void encryptDecryptRoundTripWithAndWithoutKeyId() {
    Map<String, String> ctx = Map.of("tenant", "acme", "purpose", "test");
    var enc =
        app.encrypt(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                    .plaintext(bytes("hello"))
                    .encryptionContext(ctx));
    assertThat(enc.keyId()).isEqualTo(kms.keyArn(A, LocalKmsConfig.DEFAULT_KEY_ID));
    assertThat(enc.encryptionAlgorithmAsString()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(
            new String(
                enc.ciphertextBlob().asByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("hello");
    assertThat(
            app.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(ctx))
                .plaintext()
                .asUtf8String())
        .isEqualTo("hello");
    assertThat(
            app.decrypt(
                    b ->
                        b.ciphertextBlob(enc.ciphertextBlob())
                            .encryptionContext(ctx)
                            .keyId(LocalKmsConfig.DEFAULT_ALIAS))
                .plaintext()
                .asUtf8String())
        .isEqualTo("hello");
    // Two encryptions of the same plaintext differ (fresh IV).
    var enc2 =
        app.encrypt(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                    .plaintext(bytes("hello"))
                    .encryptionContext(ctx));
    assertThat(enc2.ciphertextBlob()).isNotEqualTo(enc.ciphertextBlob());
  }

  @Test
  void decryptWithAnotherKeyIdIsIncorrectKey() {
    String other = newKey("other");
    SdkBytes blob =
        app.encrypt(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID).plaintext(bytes("x")))
            .ciphertextBlob();
    assertThatThrownBy(() -> app.decrypt(b -> b.ciphertextBlob(blob).keyId(other)))
        .isInstanceOf(IncorrectKeyException.class);
  }

  @Test
  void encryptAcceptsFourKibAndRefusesOneByteMore() {
    byte[] max = new byte[4096];
    SdkBytes blob =
        app.encrypt(
                b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).plaintext(SdkBytes.fromByteArray(max)))
            .ciphertextBlob();
    assertThat(app.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asByteArray()).hasSize(4096);
    assertKmsError(
            () ->
                app.encrypt(
                    b ->
                        b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                            .plaintext(SdkBytes.fromByteArray(new byte[4097]))),
            "ValidationException")
        .hasMessageContaining("4096");
  }

  @Test
  void encryptionContextIsBoundToTheCiphertext() {
    SdkBytes blob =
        app.encrypt(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                        .plaintext(bytes("c"))
                        .encryptionContext(Map.of("order", "42")))
            .ciphertextBlob();
    assertThatThrownBy(
            () -> app.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("order", "43"))))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(() -> app.decrypt(b -> b.ciphertextBlob(blob)))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(
            () ->
                app.decrypt(
                    b -> b.ciphertextBlob(blob).encryptionContext(Map.of("order", "42", "x", "y"))))
        .isInstanceOf(InvalidCiphertextException.class);
    // Order of context entries does not matter.
    SdkBytes two =
        app.encrypt(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                        .plaintext(bytes("c"))
                        .encryptionContext(Map.of("a", "1", "b", "2")))
            .ciphertextBlob();
    assertThat(
            app.decrypt(
                    b ->
                        b.ciphertextBlob(two)
                            .encryptionContext(new java.util.TreeMap<>(Map.of("b", "2", "a", "1"))))
                .plaintext()
                .asUtf8String())
        .isEqualTo("c");
  }

  @Test
  void tamperedOrForeignCiphertextIsInvalid() {
    byte[] blob =
        app.encrypt(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).plaintext(bytes("t")))
            .ciphertextBlob()
            .asByteArray();
    blob[blob.length - 1] ^= 1;
    assertThatThrownBy(() -> app.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(
            () ->
                app.decrypt(
                    b ->
                        b.ciphertextBlob(
                            SdkBytes.fromUtf8String(
                                "definitely not a ciphertext blob from this kms"))))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void generateDataKeyBySpecAndByNumberOfBytes() {
    GenerateDataKeyResponse k256 =
        app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"));
    assertThat(k256.plaintext().asByteArray()).hasSize(32);
    assertThat(k256.keyId()).isEqualTo(kms.keyArn(A, LocalKmsConfig.DEFAULT_KEY_ID));
    assertThat(app.decrypt(b -> b.ciphertextBlob(k256.ciphertextBlob())).plaintext())
        .isEqualTo(k256.plaintext());
    assertThat(
            app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_128"))
                .plaintext()
                .asByteArray())
        .hasSize(16);
    assertThat(
            app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).numberOfBytes(64))
                .plaintext()
                .asByteArray())
        .hasSize(64);
    assertKmsError(
        () -> app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS)),
        "ValidationException");
    assertKmsError(
        () ->
            app.generateDataKey(
                b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256").numberOfBytes(32)),
        "ValidationException");
    assertKmsError(
        () -> app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).numberOfBytes(1025)),
        "ValidationException");
  }

  @Test
  void generateDataKeyWithoutPlaintextReturnsOnlyTheCiphertext() {
    var r =
        app.generateDataKeyWithoutPlaintext(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                    .keySpec("AES_256")
                    .encryptionContext(Map.of("k", "v")));
    assertThat(r.ciphertextBlob().asByteArray()).isNotEmpty();
    assertThat(
            app.decrypt(
                    b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(Map.of("k", "v")))
                .plaintext()
                .asByteArray())
        .hasSize(32);
  }

  @Test
  void reEncryptMovesCiphertextToAnotherKeyAndContext() {
    String dest = newKey("reencrypt-destination");
    SdkBytes blob =
        app.encrypt(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                        .plaintext(bytes("r"))
                        .encryptionContext(Map.of("v", "1")))
            .ciphertextBlob();
    ReEncryptResponse re =
        app.reEncrypt(
            b ->
                b.ciphertextBlob(blob)
                    .sourceEncryptionContext(Map.of("v", "1"))
                    .destinationKeyId(dest)
                    .destinationEncryptionContext(Map.of("v", "2")));
    assertThat(re.sourceKeyId()).isEqualTo(kms.keyArn(A, LocalKmsConfig.DEFAULT_KEY_ID));
    assertThat(re.keyId()).endsWith(dest);
    assertThat(re.sourceEncryptionAlgorithmAsString()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(
            app.decrypt(
                    b -> b.ciphertextBlob(re.ciphertextBlob()).encryptionContext(Map.of("v", "2")))
                .plaintext()
                .asUtf8String())
        .isEqualTo("r");
    assertThatThrownBy(() -> app.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(dest)))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThat(kms.auditLog().events(e -> "ReEncrypt".equals(e.operation()) && e.succeeded()))
        .last()
        .satisfies(e -> assertThat(e.sourceKeyArn()).endsWith(LocalKmsConfig.DEFAULT_KEY_ID));
  }

  @Test
  void asymmetricAlgorithmOnSymmetricKeyIsInvalidKeyUsage() {
    assertThatThrownBy(
            () ->
                app.encrypt(
                    b ->
                        b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                            .plaintext(bytes("x"))
                            .encryptionAlgorithm("RSAES_OAEP_SHA_256")))
        .isInstanceOf(InvalidKeyUsageException.class);
  }

  @Test
  void dryRunAnswersDryRunOperationException() {
    assertThatThrownBy(
            () ->
                app.encrypt(
                    b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).plaintext(bytes("x")).dryRun(true)))
        .isInstanceOf(DryRunOperationException.class);
  }

  // ---- grants ------------------------------------------------------------------------------

  @Test
  void createListRetireAndRevokeGrants() {
    String key = newKey("grants");
    String grantee = LocalKmsConfig.APP_ARN;
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(key)
                    .granteePrincipal(grantee)
                    .retiringPrincipal(LocalKmsConfig.ADMIN_ARN)
                    .name("g1")
                    .operations(GrantOperation.DECRYPT, GrantOperation.ENCRYPT)
                    .constraints(c -> c.encryptionContextSubset(Map.of("team", "x"))));
    assertThat(g.grantId()).matches("[0-9a-f]{64}");
    assertThat(g.grantToken()).isNotBlank();
    // Same name and parameters: KMS returns the same grant (idempotent retry).
    CreateGrantResponse again =
        admin.createGrant(
            b ->
                b.keyId(key)
                    .granteePrincipal(grantee)
                    .retiringPrincipal(LocalKmsConfig.ADMIN_ARN)
                    .name("g1")
                    .operations(GrantOperation.DECRYPT, GrantOperation.ENCRYPT)
                    .constraints(c -> c.encryptionContextSubset(Map.of("team", "x"))));
    assertThat(again.grantId()).isEqualTo(g.grantId());

    List<GrantListEntry> grants = admin.listGrants(b -> b.keyId(key)).grants();
    assertThat(grants)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.grantId()).isEqualTo(g.grantId());
              assertThat(e.keyId()).endsWith(key);
              assertThat(e.name()).isEqualTo("g1");
              assertThat(e.granteePrincipal()).isEqualTo(grantee);
              assertThat(e.retiringPrincipal()).isEqualTo(LocalKmsConfig.ADMIN_ARN);
              assertThat(e.issuingAccount()).isEqualTo("arn:aws:iam::" + A + ":root");
              assertThat(e.operations())
                  .containsExactlyInAnyOrder(GrantOperation.DECRYPT, GrantOperation.ENCRYPT);
              assertThat(e.constraints().encryptionContextSubset()).containsEntry("team", "x");
            });
    admin.retireGrant(b -> b.grantToken(g.grantToken()));
    assertThat(admin.listGrants(b -> b.keyId(key)).grants()).isEmpty();

    CreateGrantResponse g2 =
        admin.createGrant(
            b -> b.keyId(key).granteePrincipal(grantee).operations(GrantOperation.DESCRIBE_KEY));
    admin.revokeGrant(b -> b.keyId(key).grantId(g2.grantId()));
    assertThatThrownBy(() -> admin.revokeGrant(b -> b.keyId(key).grantId(g2.grantId())))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> admin.revokeGrant(b -> b.keyId(key).grantId("not-a-grant-id")))
        .isInstanceOf(InvalidGrantIdException.class);
    assertThatThrownBy(() -> admin.retireGrant(b -> b.grantToken("LKMSv1garbage")))
        .isInstanceOf(InvalidGrantTokenException.class);
  }

  @Test
  void createGrantValidatesOperationsAndPrincipals() {
    assertKmsError(
        () ->
            admin.createGrant(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)
                        .granteePrincipal(LocalKmsConfig.APP_ARN)
                        .operations(GrantOperation.SIGN)),
        "ValidationException");
    assertKmsError(
        () ->
            admin.createGrant(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)
                        .granteePrincipal("bob")
                        .operations(GrantOperation.DECRYPT)),
        "ValidationException");
  }

  @Test
  void tooManyGrantTokensIsAValidationError() {
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)
                    .granteePrincipal(LocalKmsConfig.APP_ARN)
                    .operations(GrantOperation.ENCRYPT));
    List<String> eleven = java.util.Collections.nCopies(11, g.grantToken());
    assertKmsError(
        () ->
            app.encrypt(
                b ->
                    b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                        .plaintext(bytes("x"))
                        .grantTokens(eleven)),
        "ValidationException");
    admin.revokeGrant(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID).grantId(g.grantId()));
  }

  // ---- key policy --------------------------------------------------------------------------

  @Test
  void getAndPutKeyPolicy() {
    String key = newKey("policy");
    String current = admin.getKeyPolicy(b -> b.keyId(key)).policy();
    assertThat(current).contains("arn:aws:iam::" + A + ":root").contains("kms:*");
    String updated =
        policy(
            allowRoot(A),
            statement("AppDecrypt", "Allow", LocalKmsConfig.APP_ARN, "\"kms:Decrypt\"", null));
    admin.putKeyPolicy(b -> b.keyId(key).policy(updated));
    assertThat(admin.getKeyPolicy(b -> b.keyId(key).policyName("default")).policy())
        .isEqualTo(updated);
    assertThatThrownBy(() -> admin.getKeyPolicy(b -> b.keyId(key).policyName("other")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void putKeyPolicyRefusesAPolicyThatLocksTheCallerOut() {
    String key = newKey("lockout");
    String lockout =
        policy(statement("OnlyApp", "Allow", LocalKmsConfig.APP_ARN, "\"kms:*\"", null));
    assertThatThrownBy(() -> admin.putKeyPolicy(b -> b.keyId(key).policy(lockout)))
        .isInstanceOf(MalformedPolicyDocumentException.class)
        .hasMessageContaining("update the key policy");
    // The old policy is still in force.
    assertThat(admin.getKeyPolicy(b -> b.keyId(key)).policy()).contains(":root");
    admin.putKeyPolicy(b -> b.keyId(key).policy(lockout).bypassPolicyLockoutSafetyCheck(true));
    assertDenied(() -> admin.getKeyPolicy(b -> b.keyId(key)));
  }

  @Test
  void createKeyRefusesALockoutPolicyUnlessBypassed() {
    String lockout =
        policy(statement("OnlyApp", "Allow", LocalKmsConfig.APP_ARN, "\"kms:*\"", null));
    assertThatThrownBy(() -> admin.createKey(b -> b.policy(lockout)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
    KeyMetadata m =
        admin.createKey(b -> b.policy(lockout).bypassPolicyLockoutSafetyCheck(true)).keyMetadata();
    assertDenied(() -> admin.describeKey(b -> b.keyId(m.keyId())));
    assertThat(app.describeKey(b -> b.keyId(m.keyId())).keyMetadata().keyId()).isEqualTo(m.keyId());
  }

  @Test
  void lockoutCheckLooksAtTheKeyPolicyNotAtTodaysIamPolicies() {
    KmsClient creator = kms.kmsClientFor("A_CREATOR");
    // The creator's IAM policy allows only CreateKey; the default policy and a policy that
    // delegates to the account both pass the check, because IAM can allow PutKeyPolicy later.
    creator.createKey(b -> b.description("default policy"));
    creator.createKey(b -> b.policy(policy(allowRoot(A))));
    // An explicit deny of PutKeyPolicy for the creator fails it.
    String denyCreator =
        policy(
            allowRoot(A),
            statement(
                "NoPolicyChanges",
                "Deny",
                "arn:aws:iam::" + A + ":user/creator",
                "\"kms:PutKeyPolicy\"",
                null));
    assertThatThrownBy(() -> creator.createKey(b -> b.policy(denyCreator)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
    // CreateKey itself still needs the IAM permission.
    assertDenied(() -> kms.kmsClientFor("A_NOBODY").createKey(b -> b.description("x")));
  }

  @Test
  void malformedAndOversizedPoliciesAreRefused() {
    String key = newKey("malformed");
    assertThatThrownBy(() -> admin.putKeyPolicy(b -> b.keyId(key).policy("{not json")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
    assertThatThrownBy(
            () ->
                admin.putKeyPolicy(
                    b ->
                        b.keyId(key)
                            .policy(
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                                    + "{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":"
                                    + "{\"StringEqualsSometimes\":{\"kms:ViaService\":\"x\"}}}]}")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
    String big =
        policy(
            allowRoot(A),
            statement(
                "Pad",
                "Allow",
                LocalKmsConfig.APP_ARN,
                "\"kms:Decrypt\"",
                "{\"StringEquals\":{\"kms:EncryptionContext:pad\":\""
                    + "x".repeat(33_000)
                    + "\"}}"));
    assertThatThrownBy(() -> admin.putKeyPolicy(b -> b.keyId(key).policy(big)))
        .isInstanceOf(LimitExceededException.class);
  }

  // ---- key states --------------------------------------------------------------------------

  @Test
  void disableAndEnableKey() {
    String key = newKey("states");
    admin.disableKey(b -> b.keyId(key));
    assertThatThrownBy(() -> app.encrypt(b -> b.keyId(key).plaintext(bytes("x"))))
        .isInstanceOf(DisabledException.class)
        .hasMessageContaining("disabled");
    KeyMetadata m = app.describeKey(b -> b.keyId(key)).keyMetadata();
    assertThat(m.enabled()).isFalse();
    assertThat(m.keyStateAsString()).isEqualTo("Disabled");
    admin.enableKey(b -> b.keyId(key));
    assertThat(app.encrypt(b -> b.keyId(key).plaintext(bytes("x"))).keyId()).endsWith(key);
  }

  @Test
  void scheduleAndCancelKeyDeletion() {
    String key = newKey("deletion");
    SdkBytes blob = app.encrypt(b -> b.keyId(key).plaintext(bytes("d"))).ciphertextBlob();
    assertKmsError(
        () -> admin.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(6)),
        "ValidationException");
    var scheduled = admin.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
    assertThat(scheduled.keyStateAsString()).isEqualTo("PendingDeletion");
    assertThat(scheduled.pendingWindowInDays()).isEqualTo(7);
    assertThat(scheduled.deletionDate()).isAfter(Instant.now().plus(Duration.ofDays(6)));
    assertThatThrownBy(() -> app.decrypt(b -> b.ciphertextBlob(blob)))
        .isInstanceOf(KmsInvalidStateException.class);
    assertThatThrownBy(() -> admin.enableKey(b -> b.keyId(key)))
        .isInstanceOf(KmsInvalidStateException.class);
    KeyMetadata m = app.describeKey(b -> b.keyId(key)).keyMetadata();
    assertThat(m.keyStateAsString()).isEqualTo("PendingDeletion");
    assertThat(m.deletionDate()).isNotNull();
    assertThat(admin.cancelKeyDeletion(b -> b.keyId(key)).keyId()).endsWith(key);
    // A cancelled deletion leaves the key disabled, as in KMS.
    assertThatThrownBy(() -> app.decrypt(b -> b.ciphertextBlob(blob)))
        .isInstanceOf(DisabledException.class);
    assertThatThrownBy(() -> admin.cancelKeyDeletion(b -> b.keyId(key)))
        .isInstanceOf(KmsInvalidStateException.class);
    admin.enableKey(b -> b.keyId(key));
    assertThat(app.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("d");
  }

  @Test
  void enableKeyRotation() {
    String key = newKey("rotation");
    admin.enableKeyRotation(b -> b.keyId(key));
    assertThat(admin.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled()).isTrue();
    admin.disableKeyRotation(b -> b.keyId(key));
    assertThat(admin.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled()).isFalse();
    assertKmsError(
        () -> admin.enableKeyRotation(b -> b.keyId(key).rotationPeriodInDays(30)),
        "ValidationException");
    admin.disableKey(b -> b.keyId(key));
    assertThatThrownBy(() -> admin.enableKeyRotation(b -> b.keyId(key)))
        .isInstanceOf(DisabledException.class);
  }

  // ---- multi-Region ------------------------------------------------------------------------

  @Test
  void replicateKeySharesMaterialAcrossRegions() {
    KeyMetadata primary =
        admin.createKey(b -> b.multiRegion(true).description("mrk")).keyMetadata();
    assertThat(primary.keyId()).matches("mrk-[0-9a-f]{32}");
    assertThat(primary.multiRegion()).isTrue();
    assertThat(primary.multiRegionConfiguration().multiRegionKeyType())
        .isEqualTo(MultiRegionKeyType.PRIMARY);
    ReplicateKeyResponse rep =
        admin.replicateKey(b -> b.keyId(primary.keyId()).replicaRegion("eu-west-1"));
    KeyMetadata replica = rep.replicaKeyMetadata();
    assertThat(replica.arn()).isEqualTo("arn:aws:kms:eu-west-1:" + A + ":key/" + primary.keyId());
    assertThat(replica.multiRegionConfiguration().multiRegionKeyType())
        .isEqualTo(MultiRegionKeyType.REPLICA);
    assertThat(replica.multiRegionConfiguration().primaryKey().arn()).isEqualTo(primary.arn());
    assertThat(rep.replicaPolicy()).contains(":root");

    KmsClient appEu = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID, "eu-west-1");
    SdkBytes blob =
        app.encrypt(
                b ->
                    b.keyId(primary.keyId())
                        .plaintext(bytes("m"))
                        .encryptionContext(Map.of("c", "1")))
            .ciphertextBlob();
    assertThat(
            appEu
                .decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("c", "1")))
                .plaintext()
                .asUtf8String())
        .isEqualTo("m");
    SdkBytes back =
        appEu.encrypt(b -> b.keyId(primary.keyId()).plaintext(bytes("n"))).ciphertextBlob();
    assertThat(app.decrypt(b -> b.ciphertextBlob(back)).plaintext().asUtf8String()).isEqualTo("n");
    // The primary now lists its replica.
    assertThat(
            app.describeKey(b -> b.keyId(primary.keyId()))
                .keyMetadata()
                .multiRegionConfiguration()
                .replicaKeys())
        .singleElement()
        .satisfies(r -> assertThat(r.region()).isEqualTo("eu-west-1"));

    assertThatThrownBy(
            () -> admin.replicateKey(b -> b.keyId(primary.keyId()).replicaRegion("eu-west-1")))
        .isInstanceOf(AlreadyExistsException.class);
    String single = newKey("single-region");
    assertThatThrownBy(() -> admin.replicateKey(b -> b.keyId(single).replicaRegion("eu-west-1")))
        .isInstanceOf(UnsupportedOperationException.class);
    SdkBytes singleBlob = app.encrypt(b -> b.keyId(single).plaintext(bytes("s"))).ciphertextBlob();
    assertThatThrownBy(() -> appEu.decrypt(b -> b.ciphertextBlob(singleBlob)))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  // ---- wire protocol, authentication, quota, audit -----------------------------------------

  @Test
  void unknownAccessKeyIsUnrecognizedClient() {
    try (KmsClient stranger =
        KmsClient.builder()
            .endpointOverride(kms.endpoint())
            .region(kms.region())
            .credentialsProvider(
                () ->
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "AKIASTRANGER", "x"))
            .build()) {
      assertKmsError(() -> stranger.listKeys(), "UnrecognizedClientException");
    }
  }

  @Test
  void wrongSecretFailsSignatureVerification() {
    try (KmsClient forged =
        KmsClient.builder()
            .endpointOverride(kms.endpoint())
            .region(kms.region())
            .credentialsProvider(
                () ->
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        LocalKmsConfig.ADMIN_ACCESS_KEY_ID, "wrong-secret"))
            .build()) {
      assertKmsError(() -> forged.listKeys(), "InvalidSignatureException");
    }
  }

  @Test
  void rawProtocolCarriesRequestIdAndErrorType() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> unknownOp =
        http.send(
            HttpRequest.newBuilder(URI.create(kms.endpoint() + "/"))
                .header("X-Amz-Target", "TrentService.Frobnicate")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknownOp.statusCode()).isEqualTo(400);
    assertThat(unknownOp.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(unknownOp.headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.1");
    assertThat(unknownOp.body()).contains("\"__type\":\"UnknownOperationException\"");

    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(kms.endpoint() + "/"))
                .header("X-Amz-Target", "TrentService.ListKeys")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.body()).contains("MissingAuthenticationTokenException");

    var response = app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
    String requestId = response.responseMetadata().requestId();
    assertThat(requestId).isNotBlank();
    assertThat(kms.auditLog().byRequestId(requestId))
        .hasValueSatisfying(e -> assertThat(e.operation()).isEqualTo("DescribeKey"));
  }

  @Test
  void malformedJsonIsSerializationException() throws Exception {
    // Unsigned requests are refused before the body is read; an unverified principal gets past.
    LocalKmsConfig c =
        LocalKmsConfig.builder()
            .principal(PrincipalConfig.of("RAW", "arn:aws:iam::" + A + ":user/raw"))
            .build();
    try (LocalKms raw = LocalKms.start(c)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(raw.endpoint() + "/"))
                      .header("X-Amz-Target", "TrentService.ListKeys")
                      .header(
                          "Authorization",
                          "AWS4-HMAC-SHA256 Credential=RAW/20260101/us-east-1/kms/"
                              + "aws4_request, SignedHeaders=host, Signature=00")
                      .POST(HttpRequest.BodyPublishers.ofString("{nope"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("SerializationException");
    }
  }

  @Test
  void requestQuotaThrottlesCryptographicOperationsPerAccount() {
    try (KmsClient noRetry =
            kms.clientBuilderFor(LocalKmsConfig.APP_ACCESS_KEY_ID, "us-east-1")
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        KmsClient bNoRetry =
            kms.clientBuilderFor("B_ADMIN", "us-east-1")
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
      String bKey = bNoRetry.createKey(b -> b.description("b")).keyMetadata().keyId();
      kms.setRequestsPerSecond(3);
      try {
        int ok = 0;
        int throttled = 0;
        for (int i = 0; i < 10; i++) {
          try {
            noRetry.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"));
            ok++;
          } catch (software.amazon.awssdk.services.kms.model.KmsException e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            throttled++;
          }
        }
        assertThat(ok).isBetween(3, 5);
        assertThat(throttled).isGreaterThanOrEqualTo(5);
        // Non-cryptographic operations do not share the quota.
        noRetry.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
        // Another account has its own bucket.
        bNoRetry.encrypt(b -> b.keyId(bKey).plaintext(bytes("b")));
        assertThat(kms.auditLog().events(e -> "ThrottlingException".equals(e.errorCode())))
            .isNotEmpty();
      } finally {
        kms.setRequestsPerSecond(0);
      }
      noRetry.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"));
    }
  }

  @Test
  void concurrentDataKeyRequestsAllSucceedAndDecrypt() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String tag = "t" + i;
        results.add(
            pool.submit(
                () -> {
                  GenerateDataKeyResponse dk =
                      app.generateDataKey(
                          b ->
                              b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                                  .keySpec("AES_256")
                                  .encryptionContext(Map.of("n", tag)));
                  return app.decrypt(
                          b ->
                              b.ciphertextBlob(dk.ciphertextBlob())
                                  .encryptionContext(Map.of("n", tag)))
                      .plaintext()
                      .equals(dk.plaintext());
                }));
      }
      for (var r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void latencyInjectionDelaysResponses() {
    kms.setLatency(Duration.ofMillis(150));
    try {
      long t0 = System.nanoTime();
      app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(140));
    } finally {
      kms.setLatency(Duration.ZERO);
    }
  }

  @Test
  void auditLogRecordsCallsWithoutSecretsAndReachesTheFile() throws Exception {
    byte[] secret = "top-secret-plaintext".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    CreateGrantResponse g =
        admin.createGrant(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_KEY_ID)
                    .granteePrincipal(LocalKmsConfig.APP_ARN)
                    .operations(GrantOperation.ENCRYPT));
    var enc =
        app.encrypt(
            b ->
                b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                    .plaintext(SdkBytes.fromByteArray(secret))
                    .grantTokens(g.grantToken())
                    .encryptionContext(Map.of("tenant", "acme")));
    GenerateDataKeyResponse dk =
        app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"));
    AuditEvent e = kms.auditLog().byRequestId(enc.responseMetadata().requestId()).orElseThrow();
    assertThat(e.callerArn()).isEqualTo(LocalKmsConfig.APP_ARN);
    assertThat(e.accessKeyId()).isEqualTo(LocalKmsConfig.APP_ACCESS_KEY_ID);
    assertThat(e.operation()).isEqualTo("Encrypt");
    assertThat(e.region()).isEqualTo("us-east-1");
    assertThat(e.keyArn()).isEqualTo(kms.keyArn(A, LocalKmsConfig.DEFAULT_KEY_ID));
    assertThat(e.encryptionContext()).containsExactly(Map.entry("tenant", "acme"));
    assertThat(e.grantTokens()).hasSize(1).allMatch(t -> t.length() == 16);
    assertThat(e.decision()).isEqualTo("ALLOW");
    assertThat(e.decidedBy()).isNotBlank();
    assertThat(e.errorCode()).isNull();
    assertThat(e.time()).isBeforeOrEqualTo(Instant.now());

    List<String> lines = Files.readAllLines(auditFile);
    String all = String.join("\n", lines);
    assertThat(lines).anyMatch(l -> l.contains(enc.responseMetadata().requestId()));
    assertThat(all)
        .doesNotContain(g.grantToken())
        .doesNotContain("top-secret-plaintext")
        .doesNotContain(Base64.getEncoder().encodeToString(secret))
        .doesNotContain(Base64.getEncoder().encodeToString(dk.plaintext().asByteArray()));
    assertThat(lines.get(lines.size() - 1)).startsWith("{\"eventTime\":");

    // A refused call is audited with its error code.
    KmsClient nobody = kms.kmsClientFor("A_NOBODY");
    assertDenied(() -> nobody.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS)));
    AuditEvent refused = kms.auditLog().last().orElseThrow();
    assertThat(refused.errorCode()).isEqualTo("AccessDeniedException");
    assertThat(refused.decision()).isEqualTo("IMPLICIT_DENY");
    assertThat(refused.toJson()).contains("\"errorCode\":\"AccessDeniedException\"");
    admin.revokeGrant(b -> b.keyId(LocalKmsConfig.DEFAULT_KEY_ID).grantId(g.grantId()));
  }
}

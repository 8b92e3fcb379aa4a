package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.A;
import static dev.envelope.aws.KmsFixture.B;
import static dev.envelope.aws.KmsFixture.B_KEY;
import static dev.envelope.aws.KmsFixture.DISABLED;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.EC;
import static dev.envelope.aws.KmsFixture.GRANTEE;
import static dev.envelope.aws.KmsFixture.GRANTS;
import static dev.envelope.aws.KmsFixture.K1;
import static dev.envelope.aws.KmsFixture.K2;
import static dev.envelope.aws.KmsFixture.MRK_EAST;
import static dev.envelope.aws.KmsFixture.MRK_WEST;
import static dev.envelope.aws.KmsFixture.TOGGLE1;
import static dev.envelope.aws.KmsFixture.TOGGLE2;
import static dev.envelope.aws.KmsFixture.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/** The KMS keyring against the local KMS, over HTTP with the real {@code KmsClient}. */
class KmsKeyringIntegrationTest {
  private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "purpose", "test");
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  static KmsFixture fixture;
  static KmsClientSupplier app;

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    app = fixture.clients("A_APP");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static KmsKeyring.Builder keyring() {
    return KmsKeyring.builder().clientSupplier(app);
  }

  private static Envelope envelope(KmsKeyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  /** Audit events from now on. */
  private static List<AuditEvent> eventsSince(int mark) {
    List<AuditEvent> all = fixture.kms.auditLog().events();
    return new ArrayList<>(all.subList(Math.min(mark, all.size()), all.size()));
  }

  private static int mark() {
    return fixture.kms.auditLog().events().size();
  }

  @Test
  void roundTripThroughEnvelopeWithTheMessagesEncryptionContext() {
    KmsKeyring keyring = keyring().generatorKeyId(K1).build();
    int mark = mark();
    byte[] message = envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
    assertThat(envelope(keyring).decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);

    List<AuditEvent> events = eventsSince(mark);
    assertThat(events)
        .extracting(AuditEvent::operation)
        .containsExactly("GenerateDataKey", "Decrypt");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.keyArn()).isEqualTo(K1);
              assertThat(e.encryptionContext()).isEqualTo(CONTEXT);
              assertThat(e.succeeded()).isTrue();
            });
  }

  @Test
  void encryptedDataKeyIsEsdkShaped() {
    KmsKeyring keyring = keyring().generatorKeyId(K1).build();
    try (EncryptionMaterials m = keyring.onEncrypt(EncryptionMaterials.of(SUITE, CONTEXT, null))) {
      assertThat(m.dataKey().length()).isEqualTo(32);
      EncryptedDataKey edk = m.encryptedDataKeys().get(0);
      assertThat(edk.providerId()).isEqualTo("aws-kms");
      assertThat(edk.providerInfoUtf8()).isEqualTo(K1);
      assertThat(edk.ciphertextLength()).isGreaterThan(32);
    }
  }

  @Test
  void signedSuiteSendsTheFullContextIncludingThePublicKey() {
    KmsKeyring keyring = keyring().generatorKeyId(K1).build();
    Envelope env =
        Envelope.builder()
            .keyring(keyring)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    int mark = mark();
    byte[] message = env.encrypt(PLAINTEXT, CONTEXT);
    assertThat(env.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark).get(0).encryptionContext()).containsKey("aws-crypto-public-key");
  }

  @Test
  void aliasGeneratorStoresTheKeyArnAndAliasesNeverMatchOnDecrypt() {
    KmsKeyring byAlias = keyring().generatorKeyId(KmsFixture.ALIAS_K1).build();
    byte[] message = envelope(byAlias).encrypt(PLAINTEXT, CONTEXT);
    int mark = mark();
    // The data key records the key ARN, so a keyring that only knows the alias has nothing to try.
    assertThatThrownBy(() -> envelope(byAlias).decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark)).isEmpty();
    assertThat(envelope(keyring().generatorKeyId(K1).build()).decrypt(message).plaintext())
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void additionalKeysEachDecryptAlone() {
    KmsKeyring both = keyring().generatorKeyId(K1).keyIds(K2).build();
    int mark = mark();
    byte[] message = envelope(both).encrypt(PLAINTEXT, CONTEXT);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::keyArn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GenerateDataKey", K1),
            org.assertj.core.groups.Tuple.tuple("Encrypt", K2));

    mark = mark();
    assertThat(envelope(keyring().keyIds(K2).build()).decrypt(message).plaintext())
        .isEqualTo(PLAINTEXT);
    // Strict mode: only the configured key is asked, never K1.
    assertThat(eventsSince(mark)).extracting(AuditEvent::keyArn).containsExactly(K2);
  }

  @Test
  void keyringWithoutGeneratorEncryptsAnExistingDataKey() {
    KmsKeyring second = keyring().keyIds(K2).build();
    try (EncryptionMaterials first =
        keyring()
            .generatorKeyId(K1)
            .build()
            .onEncrypt(EncryptionMaterials.of(SUITE, CONTEXT, null))) {
      EncryptionMaterials both = second.onEncrypt(first);
      assertThat(both.encryptedDataKeys())
          .extracting(EncryptedDataKey::providerInfoUtf8)
          .containsExactly(K1, K2);
    }
    assertThatThrownBy(() -> second.onEncrypt(EncryptionMaterials.of(SUITE, CONTEXT, null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no generator");
  }

  @Test
  void grantTokenWorksRightAfterCreateGrant() {
    fixture.kms.setGrantPropagationDelay(Duration.ofMinutes(10));
    try {
      KmsClient admin = fixture.admin();
      CreateGrantResponse grant =
          admin.createGrant(
              b ->
                  b.keyId(GRANTS)
                      .granteePrincipal(GRANTEE)
                      .operations(GrantOperation.GENERATE_DATA_KEY, GrantOperation.DECRYPT));
      KmsClientSupplier grantee = fixture.clients("A_GRANTEE");

      KmsKeyring withToken =
          KmsKeyring.builder()
              .generatorKeyId(GRANTS)
              .clientSupplier(grantee)
              .grantTokens(grant.grantToken())
              .build();
      int mark = mark();
      byte[] message = envelope(withToken).encrypt(PLAINTEXT, CONTEXT);
      assertThat(envelope(withToken).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
      assertThat(eventsSince(mark)).allSatisfy(e -> assertThat(e.grantTokens()).hasSize(1));

      // A supplier works the same way and is asked on every call.
      AtomicInteger asked = new AtomicInteger();
      KmsKeyring supplied =
          KmsKeyring.builder()
              .generatorKeyId(GRANTS)
              .clientSupplier(grantee)
              .grantTokens(
                  () -> {
                    asked.incrementAndGet();
                    return List.of(grant.grantToken());
                  })
              .build();
      assertThat(
              envelope(supplied)
                  .decrypt(envelope(supplied).encrypt(PLAINTEXT, CONTEXT))
                  .plaintext())
          .isEqualTo(PLAINTEXT);
      assertThat(asked).hasValue(2);

      // Without the token the grant has not propagated yet: denied, and the diagnosis says why.
      KmsKeyring withoutToken =
          KmsKeyring.builder().generatorKeyId(GRANTS).clientSupplier(grantee).build();
      assertThatThrownBy(() -> envelope(withoutToken).decrypt(message))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.errorCode()).hasValue("AccessDeniedException");
                assertThat(e.operation()).isEqualTo("Decrypt");
                assertThat(e.requestId()).isPresent();
                assertThat(e.explanation()).contains("pass its grant token");
              });

      // Too many tokens from a supplier: a clear error, before any request.
      KmsKeyring tooMany =
          KmsKeyring.builder()
              .generatorKeyId(GRANTS)
              .clientSupplier(grantee)
              .grantTokens(() -> java.util.Collections.nCopies(11, grant.grantToken()))
              .build();
      assertThatThrownBy(() -> envelope(tooMany).encrypt(PLAINTEXT, CONTEXT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 10 grant tokens");
    } finally {
      fixture.kms.setGrantPropagationDelay(Duration.ZERO);
    }
  }

  @Test
  void disabledKeyIsDiagnosed() {
    KmsKeyring keyring = keyring().generatorKeyId(DISABLED).build();
    assertThatThrownBy(() -> envelope(keyring).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("DisabledException");
              assertThat(e.operation()).isEqualTo("GenerateDataKey");
              assertThat(e.keyArn()).isEqualTo(DISABLED);
              assertThat(e.region()).isEqualTo(EAST);
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.getMessage())
                  .contains("EnableKey")
                  .contains(e.requestId().orElseThrow());
            });
  }

  @Test
  void keyDisabledAfterEncryptionFailsDecryptWithEveryFailureAttached() {
    KmsClient admin = fixture.admin();
    KmsKeyring keyring = keyring().generatorKeyId(TOGGLE1).keyIds(TOGGLE2).build();
    byte[] message = envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
    admin.disableKey(b -> b.keyId(TOGGLE1));
    admin.disableKey(b -> b.keyId(TOGGLE2));
    try {
      assertThatThrownBy(() -> envelope(keyring).decrypt(message))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.getSuppressed()).hasSize(2);
                assertThat(e.getSuppressed())
                    .allSatisfy(
                        s ->
                            assertThat(((KmsKeyProviderException) s).errorCode())
                                .hasValue("DisabledException"));
                assertThat(e.getSuppressed())
                    .extracting(s -> ((KmsKeyProviderException) s).keyArn())
                    .containsExactly(TOGGLE1, TOGGLE2);
              });
      admin.enableKey(b -> b.keyId(TOGGLE2));
      assertThat(envelope(keyring).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    } finally {
      admin.enableKey(b -> b.keyId(TOGGLE1));
      admin.enableKey(b -> b.keyId(TOGGLE2));
    }
  }

  @Test
  void keyPendingDeletionIsDiagnosedAndRecoverable() {
    KmsClient admin = fixture.admin();
    KmsKeyring keyring = keyring().generatorKeyId(TOGGLE1).build();
    byte[] message = envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
    admin.scheduleKeyDeletion(b -> b.keyId(TOGGLE1).pendingWindowInDays(7));
    try {
      assertThatThrownBy(() -> envelope(keyring).decrypt(message))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.errorCode()).hasValue("KMSInvalidStateException");
                assertThat(e.operation()).isEqualTo("Decrypt");
                assertThat(e.keyArn()).isEqualTo(TOGGLE1);
                assertThat(e.explanation())
                    .contains("scheduled for deletion")
                    .contains("CancelKeyDeletion");
              });
    } finally {
      admin.cancelKeyDeletion(b -> b.keyId(TOGGLE1));
      admin.enableKey(b -> b.keyId(TOGGLE1));
    }
    assertThat(envelope(keyring).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void crossAccountDenialNamesBothSides() {
    KmsKeyring keyring = keyring().generatorKeyId(B_KEY).build();
    assertThatThrownBy(() -> envelope(keyring).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("AccessDeniedException");
              assertThat(e.explanation())
                  .contains("Cross-account")
                  .contains("key policy in account " + B)
                  .contains("IAM policy in account " + A)
                  .contains(KmsFixture.APP);
            });
  }

  @Test
  void wrongEncryptionContextIsDiagnosed() {
    KmsKeyring keyring = keyring().generatorKeyId(K1).build();
    List<EncryptedDataKey> edks;
    try (EncryptionMaterials m = keyring.onEncrypt(EncryptionMaterials.of(SUITE, CONTEXT, null))) {
      edks = m.encryptedDataKeys();
    }
    DecryptionMaterials wrong = DecryptionMaterials.of(SUITE, Map.of("tenant", "globex"), null);
    assertThatThrownBy(() -> keyring.onDecrypt(wrong, edks))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("InvalidCiphertextException");
              assertThat(e.explanation()).contains("encryption context differs");
            });
  }

  @Test
  void encryptionContextRequiredByKeyPolicyIsDiagnosed() {
    KmsKeyring keyring = keyring().generatorKeyId(EC).build();
    byte[] ok = envelope(keyring).encrypt(PLAINTEXT, Map.of("tenant", "acme"));
    assertThat(envelope(keyring).decrypt(ok).plaintext()).isEqualTo(PLAINTEXT);
    assertThatThrownBy(
            () -> envelope(keyring).encrypt(PLAINTEXT, Map.of("tenant", "globex", "x", "y")))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("AccessDeniedException");
              assertThat(e.explanation())
                  .contains("kms:EncryptionContext")
                  .contains("['tenant', 'x']")
                  .doesNotContain("globex");
            });
  }

  @Test
  void throttlingIsRetriedThenSurfacedAfterTheRetryBudget() {
    KmsClientSupplier patient =
        fixture.clients(
            "A_APP",
            CachingKmsClientSupplier.builder()
                .maxAttempts(8)
                .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(300))));
    KmsClientSupplier impatient =
        fixture.clients(
            "A_APP",
            CachingKmsClientSupplier.builder()
                .maxAttempts(3)
                .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(10))));
    KmsKeyring retrying = KmsKeyring.builder().generatorKeyId(K1).clientSupplier(patient).build();
    KmsKeyring failing = KmsKeyring.builder().generatorKeyId(K1).clientSupplier(impatient).build();
    fixture.kms.setRequestsPerSecond(1);
    try {
      int mark = mark();
      byte[] first = envelope(retrying).encrypt(PLAINTEXT, CONTEXT); // takes the one token
      byte[] second =
          envelope(retrying).encrypt(PLAINTEXT, CONTEXT); // throttled, retried until refilled
      assertThat(first).isNotEmpty();
      assertThat(second).isNotEmpty();
      List<AuditEvent> events = eventsSince(mark);
      assertThat(events).anyMatch(e -> "ThrottlingException".equals(e.errorCode()));
      assertThat(events.get(events.size() - 1).succeeded()).isTrue();

      fixture.kms.setRequestsPerSecond(
          0.001); // a fresh bucket with one token, then nothing for ~17 min
      envelope(failing).encrypt(PLAINTEXT, CONTEXT);
      mark = mark();
      assertThatThrownBy(() -> envelope(failing).encrypt(PLAINTEXT, CONTEXT))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.errorCode()).hasValue("ThrottlingException");
                assertThat(e.explanation()).contains("quota");
              });
      assertThat(eventsSince(mark))
          .hasSize(3)
          .allMatch(e -> "ThrottlingException".equals(e.errorCode()));
    } finally {
      fixture.kms.setRequestsPerSecond(0);
    }
  }

  @Test
  void discoveryNeverCallsKmsOutsideTheFilter() {
    byte[] message = envelope(keyring().generatorKeyId(K1).build()).encrypt(PLAINTEXT, CONTEXT);
    KmsKeyring foreignOnly =
        keyring().discovery(DiscoveryFilter.of("aws", B)).discoveryRegion(EAST).build();
    KmsKeyring otherPartition =
        keyring().discovery(DiscoveryFilter.of("aws-cn", A)).discoveryRegion(EAST).build();
    int mark = mark();
    assertThatThrownBy(() -> envelope(foreignOnly).decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThatThrownBy(() -> envelope(otherPartition).decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark)).isEmpty();

    KmsKeyring ours =
        keyring().discovery(DiscoveryFilter.of("aws", A, B)).discoveryRegion(EAST).build();
    assertThat(envelope(ours).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::keyArn)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Decrypt", K1));
  }

  @Test
  void discoverySkipsForgedArnsWithoutCallingKms() {
    DecryptionMaterials m = DecryptionMaterials.of(SUITE, CONTEXT, null);
    List<EncryptedDataKey> forged =
        List.of(
            new EncryptedDataKey(
                "aws-kms", (K1 + " ").getBytes(StandardCharsets.UTF_8), new byte[64]),
            new EncryptedDataKey(
                "aws-kms",
                "arn:aws:kms:us-east-1:111122223333:alias/app".getBytes(StandardCharsets.UTF_8),
                new byte[64]));
    int mark = mark();
    assertThatThrownBy(
            () ->
                keyring()
                    .discovery(DiscoveryFilter.of("aws", A))
                    .discoveryRegion(EAST)
                    .build()
                    .onDecrypt(m, forged))
        .isInstanceOf(KmsKeyProviderException.class)
        .hasMessageContaining("not a valid KMS key ARN");
    assertThat(eventsSince(mark)).isEmpty();
  }

  @Test
  void multiRegionKeyDecryptsWithTheConfiguredRegionsReplica() {
    byte[] message =
        envelope(keyring().generatorKeyId(MRK_WEST).build()).encrypt(PLAINTEXT, CONTEXT);
    int mark = mark();
    assertThat(envelope(keyring().generatorKeyId(MRK_EAST).build()).decrypt(message).plaintext())
        .isEqualTo(PLAINTEXT);
    List<AuditEvent> events = eventsSince(mark);
    assertThat(events)
        .extracting(AuditEvent::operation, AuditEvent::region, AuditEvent::keyArn)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Decrypt", EAST, MRK_EAST));

    // MRK-aware discovery: the east replica decrypts a west data key.
    mark = mark();
    KmsKeyring discovery =
        keyring().discovery(DiscoveryFilter.of("aws", A)).discoveryRegion(EAST).build();
    assertThat(envelope(discovery).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark)).extracting(AuditEvent::region).containsExactly(EAST);

    // A single-Region key does not match its namesake in another Region.
    mark = mark();
    byte[] east = envelope(keyring().generatorKeyId(K1).build()).encrypt(PLAINTEXT, CONTEXT);
    KmsKeyring westK1 = keyring().generatorKeyId(K1.replace(EAST, WEST)).build();
    assertThatThrownBy(() -> envelope(westK1).decrypt(east))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation)
        .containsExactly("GenerateDataKey");
  }

  @Test
  void multiRegionKeyWrittenInEastDecryptsWithAKeyringConfiguredForTheWestReplica() {
    int mark = mark();
    byte[] message =
        envelope(keyring().generatorKeyId(MRK_EAST).build()).encrypt(PLAINTEXT, CONTEXT);
    KmsKeyring west = keyring().keyIds(MRK_WEST).build();
    assertThat(envelope(west).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    // Written by the east replica, read by the west one: one call each, in its own Region, both
    // succeeded.
    assertThat(eventsSince(mark))
        .extracting(
            AuditEvent::operation, AuditEvent::region, AuditEvent::keyArn, AuditEvent::succeeded)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GenerateDataKey", EAST, MRK_EAST, true),
            org.assertj.core.groups.Tuple.tuple("Decrypt", WEST, MRK_WEST, true));
  }

  @Test
  void describeKeyForTheDiagnosisIsOptional() {
    int mark = mark();
    assertThatThrownBy(
            () ->
                envelope(keyring().generatorKeyId(DISABLED).describeKeyOnFailure(false).build())
                    .encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> assertThat(e.explanation()).doesNotContain("DescribeKey"));
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation)
        .containsExactly("GenerateDataKey");

    mark = mark();
    assertThatThrownBy(
            () -> envelope(keyring().generatorKeyId(DISABLED).build()).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOf(KmsKeyProviderException.class);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation)
        .containsExactly("GenerateDataKey", "DescribeKey");
  }
}

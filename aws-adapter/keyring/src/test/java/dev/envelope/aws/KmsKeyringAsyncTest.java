package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.A;
import static dev.envelope.aws.KmsFixture.DISABLED;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.GRANTEE;
import static dev.envelope.aws.KmsFixture.GRANTS;
import static dev.envelope.aws.KmsFixture.K1;
import static dev.envelope.aws.KmsFixture.K2;
import static dev.envelope.aws.KmsFixture.MRK_EAST;
import static dev.envelope.aws.KmsFixture.MRK_WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.KmsServiceClientConfiguration;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * The KMS keyring on {@code KmsAsyncClient} (Netty) against the local KMS over HTTP: the same
 * behaviour, requests and diagnosis as on the blocking client.
 */
class KmsKeyringAsyncTest {
  private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "purpose", "test");
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  static KmsFixture fixture;
  static KmsAsyncClientSupplier asyncApp;
  static KmsClientSupplier blockingApp;

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    asyncApp = fixture.asyncClients("A_APP");
    blockingApp = fixture.clients("A_APP");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static KmsKeyring.Builder async() {
    return KmsKeyring.builder().asyncClientSupplier(asyncApp);
  }

  private static Envelope envelope(KmsKeyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  private static int mark() {
    return fixture.kms.auditLog().events().size();
  }

  private static List<AuditEvent> eventsSince(int mark) {
    List<AuditEvent> all = fixture.kms.auditLog().events();
    return new ArrayList<>(all.subList(Math.min(mark, all.size()), all.size()));
  }

  @Test
  void asyncRoundTripMakesTheSameRequestsAsTheBlockingKeyring() {
    KmsKeyring keyring = async().generatorKeyId(K1).keyIds(K2).build();
    assertThat(keyring.isAsync()).isTrue();
    int mark = mark();
    byte[] message = envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT).join();
    assertThat(envelope(keyring).decryptAsync(message, CONTEXT).join().plaintext())
        .isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::keyArn, AuditEvent::encryptionContext)
        .containsExactly(
            tuple("GenerateDataKey", K1, CONTEXT),
            tuple("Encrypt", K2, CONTEXT),
            tuple("Decrypt", K1, CONTEXT));

    // Interchangeable with the blocking keyring, and its blocking methods work too.
    KmsKeyring blocking = KmsKeyring.builder().keyIds(K2).clientSupplier(blockingApp).build();
    assertThat(envelope(blocking).decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
    byte[] fromBlockingApi = envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
    assertThat(envelope(blocking).decryptAsync(fromBlockingApi, CONTEXT).join().plaintext())
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void strictModeNeverCallsKmsForKeysItWasNotGiven() {
    byte[] message = envelope(async().generatorKeyId(K1).build()).encrypt(PLAINTEXT, CONTEXT);
    int mark = mark();
    assertThatThrownBy(
            () -> envelope(async().generatorKeyId(K2).build()).decryptAsync(message).join())
        .hasCauseInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark)).isEmpty();
  }

  @Test
  void multiRegionKeysAndDiscoveryMatchAsOnTheBlockingClient() {
    byte[] message =
        envelope(async().generatorKeyId(MRK_WEST).build()).encryptAsync(PLAINTEXT, CONTEXT).join();
    int mark = mark();
    assertThat(
            envelope(async().generatorKeyId(MRK_EAST).build())
                .decryptAsync(message)
                .join()
                .plaintext())
        .isEqualTo(PLAINTEXT);
    KmsKeyring discovery =
        async().discovery(DiscoveryFilter.of("aws", A)).discoveryRegion(EAST).build();
    assertThat(envelope(discovery).decryptAsync(message).join().plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::region, AuditEvent::keyArn)
        .containsExactly(tuple("Decrypt", EAST, MRK_EAST), tuple("Decrypt", EAST, MRK_EAST));

    mark = mark();
    KmsKeyring otherAccount =
        async().discovery(DiscoveryFilter.of("aws", KmsFixture.B)).discoveryRegion(EAST).build();
    assertThatThrownBy(() -> envelope(otherAccount).decryptAsync(message).join())
        .hasCauseInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark)).isEmpty();
    assertThatThrownBy(() -> envelope(discovery).encryptAsync(PLAINTEXT, CONTEXT).join())
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void grantTokensGoWithEveryAsyncRequest() {
    fixture.kms.setGrantPropagationDelay(Duration.ofMinutes(10));
    try {
      CreateGrantResponse grant =
          fixture
              .admin()
              .createGrant(
                  b ->
                      b.keyId(GRANTS)
                          .granteePrincipal(GRANTEE)
                          .operations(GrantOperation.GENERATE_DATA_KEY, GrantOperation.DECRYPT));
      KmsKeyring withToken =
          KmsKeyring.builder()
              .generatorKeyId(GRANTS)
              .asyncClientSupplier(fixture.asyncClients("A_GRANTEE"))
              .grantTokens(grant.grantToken())
              .build();
      int mark = mark();
      byte[] message = envelope(withToken).encryptAsync(PLAINTEXT, CONTEXT).join();
      assertThat(envelope(withToken).decryptAsync(message).join().plaintext()).isEqualTo(PLAINTEXT);
      assertThat(eventsSince(mark))
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.grantTokens()).hasSize(1);
                assertThat(e.succeeded()).isTrue();
              });

      KmsKeyring withoutToken =
          KmsKeyring.builder()
              .generatorKeyId(GRANTS)
              .asyncClientSupplier(fixture.asyncClients("A_GRANTEE"))
              .build();
      assertThatThrownBy(() -> envelope(withoutToken).encryptAsync(PLAINTEXT, CONTEXT).join())
          .cause()
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> assertThat(e.errorCode()).hasValue("AccessDeniedException"));
    } finally {
      fixture.kms.setGrantPropagationDelay(Duration.ZERO);
    }
  }

  @Test
  void failuresAreTheSameTypedDiagnosedExceptions() {
    KmsKeyring disabled = async().generatorKeyId(DISABLED).build();
    int mark = mark();
    assertThatThrownBy(() -> envelope(disabled).encryptAsync(PLAINTEXT, CONTEXT).join())
        .isInstanceOf(CompletionException.class)
        .cause()
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
    // The diagnosis asked DescribeKey, asynchronously, as the blocking keyring does.
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation)
        .containsExactly("GenerateDataKey", "DescribeKey");
    // And the blocking methods of the async keyring throw it unwrapped.
    assertThatThrownBy(() -> envelope(disabled).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOf(KmsKeyProviderException.class);

    // Wrong context on decrypt: InvalidCiphertextException, explained.
    KmsKeyring k1 = async().generatorKeyId(K1).build();
    List<EncryptedDataKey> edks;
    try (EncryptionMaterials m =
        k1.onEncryptAsync(EncryptionMaterials.of(SUITE, CONTEXT, null)).join()) {
      edks = m.encryptedDataKeys();
    }
    assertThatThrownBy(
            () ->
                k1.onDecryptAsync(
                        DecryptionMaterials.of(SUITE, Map.of("tenant", "other"), null), edks)
                    .join())
        .cause()
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("InvalidCiphertextException");
              assertThat(e.explanation()).contains("encryption context");
            });
  }

  @Test
  void anUnreachableOrSlowKmsIsDiagnosedLikeOnTheBlockingClient() {
    try (LocalKms slow = LocalKms.builder().config(fixture.kms.config()).start()) {
      slow.setLatency(Duration.ofSeconds(3));
      CachingKmsAsyncClientSupplier impatient =
          CachingKmsAsyncClientSupplier.builder()
              .endpointOverride(slow.endpoint())
              .credentialsProvider(
                  software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                      software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                          "A_APP", "unused-secret")))
              .apiCallTimeout(Duration.ofMillis(300))
              .build();
      try (impatient) {
        KmsKeyring keyring =
            KmsKeyring.builder().generatorKeyId(K1).asyncClientSupplier(impatient).build();
        CompletableFuture<byte[]> encrypted = envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT);
        assertThatThrownBy(encrypted::join)
            .cause()
            .isInstanceOfSatisfying(
                KmsKeyProviderException.class,
                e -> {
                  assertThat(e.errorCode()).isEmpty();
                  assertThat(e.operation()).isEqualTo("GenerateDataKey");
                  assertThat(e.getMessage())
                      .contains("could not reach KMS")
                      .contains("no answer within the call timeout (apiCallTimeout)");
                  assertThat(e.explanation()).contains("apiCallTimeout");
                });
      }
    }
  }

  @Test
  void cancellingCancelsTheSdksRequestAtOnce() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    fixture.kms.setLatency(Duration.ofMillis(2000));
    try {
      KmsKeyring keyring = async().generatorKeyId(K1).meterRegistry(registry).build();
      CompletableFuture<byte[]> encrypted = envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT);
      Thread.sleep(100); // the request is at the local KMS, which answers after 2 s
      encrypted.cancel(true);
      // The SDK's own future ended with the cancellation, not with KMS's answer 2 s later.
      io.micrometer.core.instrument.Timer cancelled =
          registry
              .find("envelope.kms.calls")
              .tags("operation", "GenerateDataKey", "outcome", "cancelled")
              .timer();
      assertThat(cancelled).isNotNull();
      assertThat(cancelled.count()).isEqualTo(1);
      assertThat(cancelled.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isLessThan(1500);
      assertThat(registry.find("envelope.kms.in.flight").gauge().value()).isZero();
    } finally {
      fixture.kms.setLatency(Duration.ZERO);
    }
  }

  @Test
  void aDataKeyThatArrivesAfterTheCallerGaveUpIsZeroed() throws Exception {
    // The real client, behind a future that ignores cancel: the answer arrives although the caller
    // gave up, as when KMS answers just before the cancellation reaches the SDK.
    KmsAsyncClient real = asyncApp.client(EAST);
    List<GenerateDataKeyResponse> answers = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> answered = new CompletableFuture<>();
    KmsAsyncClient late =
        new KmsAsyncClient() {
          @Override
          public String serviceName() {
            return real.serviceName();
          }

          @Override
          public void close() {}

          @Override
          public KmsServiceClientConfiguration serviceClientConfiguration() {
            return real.serviceClientConfiguration();
          }

          @Override
          public CompletableFuture<GenerateDataKeyResponse> generateDataKey(
              GenerateDataKeyRequest request) {
            CompletableFuture<GenerateDataKeyResponse> f =
                new CompletableFuture<>() {
                  @Override
                  public boolean cancel(boolean mayInterruptIfRunning) {
                    return false;
                  }
                };
            real.generateDataKey(request)
                .whenComplete(
                    (r, e) -> {
                      if (r != null) {
                        answers.add(r);
                        f.complete(r);
                      } else {
                        f.completeExceptionally(e);
                      }
                      answered.complete(null);
                    });
            return f;
          }
        };
    fixture.kms.setLatency(Duration.ofMillis(300));
    try {
      KmsKeyring keyring =
          KmsKeyring.builder().generatorKeyId(K1).asyncClientSupplier(region -> late).build();
      CompletableFuture<byte[]> encrypted = envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT);
      encrypted.cancel(true);
      answered.get(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      fixture.kms.setLatency(Duration.ZERO);
    }
    assertThat(answers).hasSize(1);
    // The response's own plaintext array, which the keyring zeroed instead of using.
    assertThat(answers.get(0).plaintext().asByteArrayUnsafe()).hasSize(32).containsOnly(0);
  }

  @Test
  void aKeyringWithOnlyTheBlockingClientServesTheAsyncApiOnItsWrapExecutor() {
    java.util.concurrent.atomic.AtomicInteger offloaded =
        new java.util.concurrent.atomic.AtomicInteger();
    KmsKeyring blocking =
        KmsKeyring.builder()
            .generatorKeyId(K1)
            .clientSupplier(blockingApp)
            .wrapExecutor(
                r -> {
                  offloaded.incrementAndGet();
                  new Thread(r).start();
                })
            .build();
    assertThat(blocking.isAsync()).isFalse();
    byte[] message = envelope(blocking).encryptAsync(PLAINTEXT, CONTEXT).join();
    assertThat(envelope(blocking).decryptAsync(message, CONTEXT).join().plaintext())
        .isEqualTo(PLAINTEXT);
    assertThat(offloaded).hasValue(2); // neither blocking call ran on the caller's thread
  }
}

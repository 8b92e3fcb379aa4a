package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.Envelope;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.KeyConfig;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.MultiKeyring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Wrapping under keys in three Regions, against a local KMS that answers every request after {@link
 * #LATENCY}: the round trips are counted from the KMS audit log's arrival times.
 */
class KmsKeyringParallelTest {
  static final Duration LATENCY = Duration.ofMillis(300);
  static final String A = "111122223333";
  static final String EAST = key("us-east-1", "e0000000-0000-4000-8000-000000000001");
  static final String WEST = key("us-west-2", "b0000000-0000-4000-8000-000000000001");
  static final String EU = key("eu-west-1", "f0000000-0000-4000-8000-000000000001");
  static final String EU_DISABLED = key("eu-west-1", "f0000000-0000-4000-8000-000000000002");
  static final String WEST_DISABLED = key("us-west-2", "b0000000-0000-4000-8000-000000000002");
  static final byte[] PLAINTEXT = "three regions".getBytes(StandardCharsets.UTF_8);
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  static LocalKms kms;
  static CachingKmsClientSupplier blocking;
  static CachingKmsAsyncClientSupplier async;

  static String key(String region, String id) {
    return "arn:aws:kms:" + region + ":" + A + ":key/" + id;
  }

  static KeyConfig keyConfig(String arn, KeyConfig.State state) {
    String region = arn.split(":")[3];
    return KeyConfig.builder()
        .keyId(arn.substring(arn.indexOf("key/") + 4))
        .accountId(A)
        .region(region)
        .state(state)
        .build();
  }

  @BeforeAll
  static void start() {
    String iam =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],"
            + "\"Resource\":\"*\"}]}";
    kms =
        LocalKms.start(
            LocalKmsConfig.builder()
                .principal(PrincipalConfig.of("APP", "arn:aws:iam::" + A + ":role/App", iam))
                .key(keyConfig(EAST, KeyConfig.State.ENABLED))
                .key(keyConfig(WEST, KeyConfig.State.ENABLED))
                .key(keyConfig(EU, KeyConfig.State.ENABLED))
                .key(keyConfig(EU_DISABLED, KeyConfig.State.DISABLED))
                .key(keyConfig(WEST_DISABLED, KeyConfig.State.DISABLED))
                .latency(LATENCY)
                .build());
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("APP", "unused-secret"));
    blocking =
        CachingKmsClientSupplier.builder()
            .endpointOverride(kms.endpoint())
            .credentialsProvider(credentials)
            .maxAttempts(1)
            .build();
    async =
        CachingKmsAsyncClientSupplier.builder()
            .endpointOverride(kms.endpoint())
            .credentialsProvider(credentials)
            .maxAttempts(1)
            .build();
  }

  @AfterAll
  static void stop() {
    blocking.close();
    async.close();
    kms.close();
  }

  static int mark() {
    return kms.auditLog().events().size();
  }

  static List<List<AuditEvent>> roundsSince(int mark) {
    List<AuditEvent> all = kms.auditLog().events();
    return RoundTrips.rounds(new ArrayList<>(all.subList(mark, all.size())), LATENCY);
  }

  static List<String> operations(List<AuditEvent> round) {
    return round.stream().map(AuditEvent::operation).sorted().toList();
  }

  static Envelope envelope(KmsKeyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  @Test
  void blockingKeyringWrapsTheOtherRegionsTogetherTwoRoundTripsNotThree() {
    KmsKeyring keyring =
        KmsKeyring.builder().generatorKeyId(EAST).keyIds(WEST, EU).clientSupplier(blocking).build();
    int mark = mark();
    byte[] message = envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
    List<List<AuditEvent>> rounds = roundsSince(mark);
    assertThat(rounds).hasSize(2);
    assertThat(operations(rounds.get(0))).containsExactly("GenerateDataKey");
    assertThat(operations(rounds.get(1))).containsExactly("Encrypt", "Encrypt");

    // Each Region's key decrypts alone.
    for (String only : List.of(EAST, WEST, EU)) {
      KmsKeyring one = KmsKeyring.builder().keyIds(only).clientSupplier(blocking).build();
      assertThat(envelope(one).decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
    }
  }

  @Test
  void aWrapExecutorThatRunsInlineIsTheSequentialBaselineThreeRoundTrips() {
    KmsKeyring sequential =
        KmsKeyring.builder()
            .generatorKeyId(EAST)
            .keyIds(WEST, EU)
            .clientSupplier(blocking)
            .wrapExecutor(Runnable::run)
            .build();
    int mark = mark();
    envelope(sequential).encrypt(PLAINTEXT, CONTEXT);
    assertThat(roundsSince(mark)).hasSize(3);
  }

  @Test
  void asyncKeyringTwoRoundTripsAndEncryptedDataKeysInConfiguredOrder() {
    KmsKeyring keyring =
        KmsKeyring.builder()
            .generatorKeyId(EAST)
            .keyIds(WEST, EU)
            .asyncClientSupplier(async)
            .build();
    int mark = mark();
    try (var m =
        keyring
            .onEncryptAsync(
                dev.envelope.keyring.EncryptionMaterials.of(
                    dev.envelope.AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, CONTEXT, null))
            .join()) {
      assertThat(m.encryptedDataKeys())
          .extracting(EncryptedDataKey::providerInfoUtf8)
          .containsExactly(EAST, WEST, EU);
    }
    List<List<AuditEvent>> rounds = roundsSince(mark);
    assertThat(rounds).hasSize(2);
    assertThat(operations(rounds.get(1))).containsExactly("Encrypt", "Encrypt");
  }

  @Test
  void generatingTheDataKeyLocallyIsOneRoundTrip() {
    for (boolean useAsync : new boolean[] {false, true}) {
      KmsKeyring.Builder b =
          KmsKeyring.builder().generatorKeyId(EAST).keyIds(WEST, EU).generateDataKeyLocally(true);
      KmsKeyring keyring =
          useAsync ? b.asyncClientSupplier(async).build() : b.clientSupplier(blocking).build();
      int mark = mark();
      byte[] message =
          useAsync
              ? envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT).join()
              : envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
      List<List<AuditEvent>> rounds = roundsSince(mark);
      assertThat(rounds).hasSize(1);
      assertThat(rounds.get(0))
          .extracting(AuditEvent::operation, AuditEvent::keyArn)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("Encrypt", EAST),
              org.assertj.core.groups.Tuple.tuple("Encrypt", WEST),
              org.assertj.core.groups.Tuple.tuple("Encrypt", EU));
      KmsKeyring eu = KmsKeyring.builder().keyIds(EU).clientSupplier(blocking).build();
      assertThat(envelope(eu).decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
    }
  }

  @Test
  void aMultiKeyringOfOneKeyringPerRegionWrapsConcurrentlyToo() {
    MultiKeyring multi =
        MultiKeyring.of(
            KmsKeyring.builder().generatorKeyId(EAST).asyncClientSupplier(async).build(),
            KmsKeyring.builder().keyIds(WEST).asyncClientSupplier(async).build(),
            KmsKeyring.builder().keyIds(EU).asyncClientSupplier(async).build());
    Envelope envelope = Envelope.builder().keyring(multi).build();
    int mark = mark();
    byte[] message = envelope.encryptAsync(PLAINTEXT, CONTEXT).join();
    assertThat(roundsSince(mark)).hasSize(2);
    mark = mark();
    envelope.encrypt(PLAINTEXT, CONTEXT); // the blocking API: the same two round trips
    assertThat(roundsSince(mark)).hasSize(2);
    assertThat(envelope.decryptAsync(message, CONTEXT).join().plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void oneFailingWrapFailsTheEncryptionWithEveryFailureReported() {
    for (boolean useAsync : new boolean[] {false, true}) {
      KmsKeyring.Builder b =
          KmsKeyring.builder().generatorKeyId(EAST).keyIds(WEST_DISABLED, EU, EU_DISABLED);
      KmsKeyring keyring =
          useAsync ? b.asyncClientSupplier(async).build() : b.clientSupplier(blocking).build();
      int mark = mark();
      Throwable thrown =
          catchThrowable(
              () -> {
                if (useAsync) {
                  envelope(keyring).encryptAsync(PLAINTEXT, CONTEXT).join();
                } else {
                  envelope(keyring).encrypt(PLAINTEXT, CONTEXT);
                }
              });
      Throwable failure =
          thrown instanceof java.util.concurrent.CompletionException ? thrown.getCause() : thrown;
      assertThat(failure)
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.keyArn()).isEqualTo(WEST_DISABLED); // the first in configured order
                assertThat(e.errorCode()).hasValue("DisabledException");
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOfSatisfying(
                        KmsKeyProviderException.class,
                        s -> assertThat(s.keyArn()).isEqualTo(EU_DISABLED));
              });
      // Still two rounds of requests (then DescribeKey for the diagnoses).
      assertThat(roundsSince(mark).get(1))
          .extracting(AuditEvent::operation)
          .containsOnly("Encrypt");
    }
  }

  @Test
  void concurrentDecryptTakesTheFirstRegionThatAnswers() {
    byte[] message =
        envelope(
                KmsKeyring.builder()
                    .generatorKeyId(EAST)
                    .keyIds(WEST, EU)
                    .asyncClientSupplier(async)
                    .build())
            .encrypt(PLAINTEXT, CONTEXT);
    // Keyrings whose first choice fails (disabled in the EU) still decrypt in one extra round.
    MultiKeyring multi =
        MultiKeyring.withoutGenerator(
                KmsKeyring.builder().keyIds(EU_DISABLED).asyncClientSupplier(async).build(),
                KmsKeyring.builder().keyIds(WEST).asyncClientSupplier(async).build(),
                KmsKeyring.builder().keyIds(EU).asyncClientSupplier(async).build())
            .withDecryptConcurrency(3);
    int mark = mark();
    CompletableFuture<dev.envelope.DecryptResult> decrypted =
        Envelope.builder().keyring(multi).build().decryptAsync(message, CONTEXT);
    assertThat(decrypted.join().plaintext()).isEqualTo(PLAINTEXT);
    List<List<AuditEvent>> rounds = roundsSince(mark);
    // WEST and EU started together; EU_DISABLED has no data key in this message (no request).
    assertThat(operations(rounds.get(0))).containsExactly("Decrypt", "Decrypt");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}

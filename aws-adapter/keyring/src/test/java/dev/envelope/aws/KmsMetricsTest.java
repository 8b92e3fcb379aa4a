package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.DISABLED;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.EC;
import static dev.envelope.aws.KmsFixture.K1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.Envelope;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** The KMS meters, on the blocking and the asynchronous client, against the local KMS. */
class KmsMetricsTest {
  private static final byte[] PLAINTEXT = {1, 2, 3};
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  static KmsFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static long calls(SimpleMeterRegistry registry, String operation, String outcome) {
    Timer t =
        registry
            .find("envelope.kms.calls")
            .tags("operation", operation, "region", EAST, "outcome", outcome)
            .timer();
    return t == null ? 0 : t.count();
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    var c = registry.find(name).tags("region", EAST).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void everyCallIsTimedWithItsOutcomeOnBothClients() {
    for (boolean async : new boolean[] {false, true}) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      KmsKeyring.Builder b = KmsKeyring.builder().meterRegistry(registry);
      if (async) {
        b.asyncClientSupplier(fixture.asyncClients("A_APP"));
      } else {
        b.clientSupplier(fixture.clients("A_APP"));
      }
      Envelope ok = Envelope.builder().keyring(b.generatorKeyId(K1).build()).build();
      byte[] message = ok.encryptAsync(PLAINTEXT, CONTEXT).join();
      ok.decrypt(message, CONTEXT);
      assertThat(calls(registry, "GenerateDataKey", "success")).isEqualTo(1);
      assertThat(calls(registry, "Decrypt", "success")).isEqualTo(1);

      KmsKeyring.Builder denied = KmsKeyring.builder().meterRegistry(registry).generatorKeyId(EC);
      KmsKeyring.Builder disabled =
          KmsKeyring.builder().meterRegistry(registry).generatorKeyId(DISABLED);
      if (async) {
        denied.asyncClientSupplier(fixture.asyncClients("A_APP"));
        disabled.asyncClientSupplier(fixture.asyncClients("A_APP"));
      } else {
        denied.clientSupplier(fixture.clients("A_APP"));
        disabled.clientSupplier(fixture.clients("A_APP"));
      }
      // EC's key policy allows the app only with tenant=acme in the context.
      assertThatThrownBy(
              () -> Envelope.builder().keyring(denied.build()).build().encrypt(PLAINTEXT, Map.of()))
          .isInstanceOf(KmsKeyProviderException.class);
      assertThatThrownBy(
              () ->
                  Envelope.builder().keyring(disabled.build()).build().encrypt(PLAINTEXT, CONTEXT))
          .isInstanceOf(KmsKeyProviderException.class);
      assertThat(calls(registry, "GenerateDataKey", "denied")).isEqualTo(1);
      assertThat(calls(registry, "GenerateDataKey", "rejected")).isEqualTo(1);
      Gauge inFlight = registry.find("envelope.kms.in.flight").tags("region", EAST).gauge();
      assertThat(inFlight).isNotNull();
      assertThat(inFlight.value()).isZero();
    }
  }

  @Test
  void theHierarchicalKeyringsBranchKeyStorePublishesTheSameKmsMeters() throws Exception {
    String url = "jdbc:h2:mem:kms-metrics-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (java.sql.Connection keepAlive = java.sql.DriverManager.getConnection(url)) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      JdbcBranchKeyStore store =
          JdbcBranchKeyStore.builder()
              .jdbcUrl(url, new java.util.Properties())
              .tableName("branch_keys")
              .kmsKeyArn(K1)
              .kmsClientSupplier(fixture.clients("A_APP"))
              .meterRegistry(registry)
              .build();
      store.createTable();
      String id = store.createBranchKey();
      Envelope envelope =
          Envelope.builder()
              .keyring(
                  HierarchicalKeyring.builder()
                      .keyStore(store)
                      .branchKeyId(id)
                      .ttl(Duration.ofMinutes(5))
                      .build())
              .build();
      envelope.encrypt(PLAINTEXT, CONTEXT);
      long kmsCalls =
          registry.find("envelope.kms.calls").tag("outcome", "success").timers().stream()
              .mapToLong(Timer::count)
              .sum();
      long audited =
          fixture.kms.auditLog().events(e -> e.keyArn() != null && e.keyArn().equals(K1)).size();
      assertThat(kmsCalls).isPositive().isLessThanOrEqualTo(audited);
      assertThat(calls(registry, "Decrypt", "success")).isEqualTo(1); // the branch key, once
      assertThat(keepAlive.isClosed()).isFalse();
    }
  }

  @Test
  void retriesAndThrottlesAreCountedFromTheSdksAttempts() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KmsKeyring keyring =
        KmsKeyring.builder()
            .generatorKeyId(K1)
            .meterRegistry(registry)
            .asyncClientSupplier(
                fixture.asyncClients(
                    "A_APP",
                    CachingKmsAsyncClientSupplier.builder()
                        .maxAttempts(8)
                        .backoffStrategy(
                            BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(300)))))
            .build();
    fixture.kms.setRequestsPerSecond(1);
    try {
      Envelope envelope = Envelope.builder().keyring(keyring).build();
      envelope.encryptAsync(PLAINTEXT, CONTEXT).join(); // takes the one token
      envelope.encryptAsync(PLAINTEXT, CONTEXT).join(); // throttled, retried until refilled
    } finally {
      fixture.kms.setRequestsPerSecond(0);
    }
    long throttledAtKms =
        fixture.kms.auditLog().events(e -> "ThrottlingException".equals(e.errorCode())).size();
    assertThat(throttledAtKms).isPositive();
    assertThat(counter(registry, "envelope.kms.throttles")).isEqualTo(throttledAtKms);
    assertThat(counter(registry, "envelope.kms.retries")).isEqualTo(throttledAtKms);
    assertThat(calls(registry, "GenerateDataKey", "success")).isEqualTo(2);
  }

  @Test
  void theInFlightGaugeCountsCallsUnderWayAndACancelledCallIsTaggedSo() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KmsKeyring keyring =
        KmsKeyring.builder()
            .generatorKeyId(K1)
            .meterRegistry(registry)
            .asyncClientSupplier(fixture.asyncClients("A_APP"))
            .build();
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    fixture.kms.setLatency(Duration.ofMillis(1500));
    try {
      CompletableFuture<byte[]> a = envelope.encryptAsync(PLAINTEXT, CONTEXT);
      CompletableFuture<byte[]> b = envelope.encryptAsync(PLAINTEXT, CONTEXT);
      Gauge inFlight = registry.find("envelope.kms.in.flight").tags("region", EAST).gauge();
      assertThat(inFlight.value()).isEqualTo(2);
      b.cancel(true);
      a.join();
      assertThat(inFlight.value()).isZero();
      assertThat(calls(registry, "GenerateDataKey", "success")).isEqualTo(1);
      assertThat(calls(registry, "GenerateDataKey", "cancelled")).isEqualTo(1);
    } finally {
      fixture.kms.setLatency(Duration.ZERO);
    }
  }
}

package dev.envelope.materials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptResult;
import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachingMaterialsManagerEnvelopeTest {
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "table", "orders");

  static byte[] record(int i) {
    byte[] r = new byte[1024];
    byte[] id = ("record-" + i).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(id, 0, r, 0, id.length);
    return r;
  }

  @ParameterizedTest
  @CsvSource({"1000, 64", "1000, 1", "1000, 1000", "1000, 4096", "257, 16"})
  void encryptingManyRecordsCallsTheKeyringOncePerMaxMessages(int n, long maxMessages) {
    RecordingKeyring keyring = new RecordingKeyring();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(5))
            .maxMessages(maxMessages)
            .meterRegistry(registry)
            .partition("e2e")
            .build();
    Envelope envelope = Envelope.builder().materialsManager(cache).build();

    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      messages.add(envelope.encrypt(record(i), CONTEXT));
    }
    long expectedCalls = (n + maxMessages - 1) / maxMessages;
    assertThat(keyring.encryptCalls.get()).isEqualTo(expectedCalls);
    assertThat(registry.get("envelope.cache.misses").counter().count()).isEqualTo(expectedCalls);
    assertThat(registry.get("envelope.cache.hits").counter().count()).isEqualTo(n - expectedCalls);
    // Every spent key is zeroed; at most the one still cached is live.
    assertThat(keyring.produced.stream().filter(k -> !k.isDestroyed()).count())
        .isLessThanOrEqualTo(1);

    // Decrypt with a caching manager of its own: one keyring call per distinct data key.
    RecordingKeyring decryptKeyring = new RecordingKeyring();
    Envelope reader =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(decryptKeyring)
                    .maxAge(Duration.ofMinutes(5))
                    .build())
            .build();
    for (int i = 0; i < n; i++) {
      DecryptResult r = reader.decrypt(messages.get(i), CONTEXT);
      assertThat(r.plaintext()).isEqualTo(record(i));
    }
    assertThat(decryptKeyring.decryptCalls.get()).isEqualTo(expectedCalls);

    // And without any cache: the messages are ordinary messages.
    Envelope plain = Envelope.builder().keyring(new RecordingKeyring()).build();
    assertThat(plain.decrypt(messages.get(n - 1), CONTEXT).plaintext()).isEqualTo(record(n - 1));
  }

  @Test
  void encryptingStreamsBypassTheCacheBecauseTheirLengthIsUnknown() throws java.io.IOException {
    RecordingKeyring keyring = new RecordingKeyring();
    Envelope envelope =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .maxAge(Duration.ofMinutes(5))
                    .maxBytes(1 << 20)
                    .build())
            .build();
    for (int i = 0; i < 3; i++) {
      java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
      try (java.io.OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
        out.write(record(i));
      }
      assertThat(envelope.decrypt(sink.toByteArray(), CONTEXT).plaintext()).isEqualTo(record(i));
    }
    assertThat(keyring.encryptCalls.get()).isEqualTo(3);
    // One-shot records of known length do use the cache.
    envelope.encrypt(record(7), CONTEXT);
    envelope.encrypt(record(8), CONTEXT);
    assertThat(keyring.encryptCalls.get()).isEqualTo(4);
  }

  @Test
  void streamsWithAnExpectedLengthUseTheCacheAndCountItAgainstMaxBytes()
      throws java.io.IOException {
    RecordingKeyring keyring = new RecordingKeyring();
    Envelope envelope =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .maxAge(Duration.ofMinutes(5))
                    .maxBytes(3000)
                    .build())
            .build();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
      // Each stream reserves its declared 1024 bytes, though it writes only 1000 of them.
      try (java.io.OutputStream out = envelope.encryptingStream(sink, CONTEXT, 1024)) {
        out.write(record(i), 0, 1000);
      }
      messages.add(sink.toByteArray());
    }
    // Two reservations of 1024 fit in 3000 bytes, a third does not: one data key per two streams.
    assertThat(keyring.encryptCalls.get()).isEqualTo(3);
    Envelope reader = Envelope.builder().keyring(new RecordingKeyring()).build();
    for (int i = 0; i < 6; i++) {
      assertThat(reader.decrypt(messages.get(i), CONTEXT).plaintext())
          .isEqualTo(java.util.Arrays.copyOf(record(i), 1000));
    }
    // A declared length beyond maxBytes cannot be served by any cached key: it bypasses the cache.
    try (java.io.OutputStream out =
        envelope.encryptingStream(new java.io.ByteArrayOutputStream(), CONTEXT, 5000)) {
      out.write(record(9));
    }
    assertThat(keyring.encryptCalls.get()).isEqualTo(4);
  }

  @Test
  void messagesFromOneCachedKeyStillDifferAndDecrypt() {
    RecordingKeyring keyring = new RecordingKeyring();
    Envelope envelope =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .maxAge(Duration.ofMinutes(5))
                    .build())
            .build();
    byte[] a = envelope.encrypt(record(1), CONTEXT);
    byte[] b = envelope.encrypt(record(1), CONTEXT);
    assertThat(keyring.calls()).isEqualTo(1);
    assertThat(a).isNotEqualTo(b); // fresh message id, hence a fresh derived key, per message
    assertThat(envelope.decrypt(a, CONTEXT).plaintext()).isEqualTo(record(1));
    assertThat(envelope.decrypt(b, CONTEXT).plaintext()).isEqualTo(record(1));
  }

  @Test
  void signedSuiteEndToEnd() {
    RecordingKeyring keyring = new RecordingKeyring();
    Envelope envelope =
        Envelope.builder()
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .maxAge(Duration.ofMinutes(5))
                    .maxMessages(3)
                    .build())
            .build();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      messages.add(envelope.encrypt(record(i), CONTEXT));
    }
    assertThat(keyring.encryptCalls.get()).isEqualTo(3);
    Set<String> publicKeys = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      DecryptResult r = envelope.decrypt(messages.get(i), CONTEXT);
      assertThat(r.plaintext()).isEqualTo(record(i));
      publicKeys.add(r.encryptionContext().get("aws-crypto-public-key"));
    }
    assertThat(publicKeys).hasSize(3); // one signing key pair per cached entry
  }

  @Test
  void aCacheAboveARequiredContextManagerNeverServesACallerThatDidNotReproduceTheRequiredKeys() {
    RecordingKeyring keyring = new RecordingKeyring();
    // A writer that stores every pair, including the one the reader's manager requires.
    byte[] message = Envelope.builder().keyring(keyring).build().encrypt(record(1), CONTEXT);
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .materialsManager(
                RequiredEncryptionContextMaterialsManager.builder()
                    .keyring(keyring)
                    .requiredKeys(Set.of("tenant"))
                    .build())
            .maxAge(Duration.ofMinutes(5))
            .build();
    Envelope reader = Envelope.builder().materialsManager(cache).build();

    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(record(1));
    // The cached materials were handed out after the required-context check passed for a caller
    // that reproduced "tenant"; one that did not must still meet the check.
    assertThatThrownBy(() -> reader.decrypt(message))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .hasMessageContaining("tenant");
    // The same reproduced keys still hit the cache: one keyring decryption in all.
    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(record(1));
    assertThat(keyring.decryptCalls.get()).isEqualTo(1);
  }
}

package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static RawAesKeyring keyring(String name, long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return RawAesKeyring.builder().keyNamespace("ns").keyName(name).wrappingKey(key).build();
  }

  private static final RawAesKeyring KEYRING = keyring("k1", 1);

  @Test
  void roundTripsAcrossFrameBoundaries() {
    Envelope envelope = Envelope.builder().keyring(KEYRING).frameSize(1000).build();
    for (int size : new int[] {0, 1, 999, 1000, 1001, 5000, 123_457}) {
      byte[] plaintext = new byte[size];
      new Random(size).nextBytes(plaintext);
      byte[] message = envelope.encrypt(plaintext, Map.of("n", Integer.toString(size)));
      DecryptResult result = envelope.decrypt(message, Map.of("n", Integer.toString(size)));
      assertThat(result.plaintext()).isEqualTo(plaintext);
      assertThat(result.encryptionContext()).isEqualTo(Map.of("n", Integer.toString(size)));
      assertThat(result.algorithmSuite())
          .isEqualTo(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    }
  }

  @Test
  void signedSuiteCarriesPublicKeyInContextButExpectedContextIgnoresIt() {
    Envelope envelope =
        Envelope.builder()
            .keyring(KEYRING)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    byte[] message = envelope.encrypt(new byte[] {1, 2, 3}, Map.of("a", "b"));
    DecryptResult result = envelope.decrypt(message, Map.of("a", "b"));
    assertThat(result.plaintext()).containsExactly(1, 2, 3);
    assertThat(result.encryptionContext())
        .containsKey("aws-crypto-public-key")
        .containsEntry("a", "b");
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> Envelope.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyring");
    assertThatThrownBy(() -> Envelope.builder().keyring(KEYRING).frameSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frame size");
    assertThatThrownBy(
            () ->
                Envelope.builder().keyring(KEYRING).frameSize(Envelope.MAX_FRAME_SIZE + 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Envelope.builder()
                    .keyring(KEYRING)
                    .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA384_ECDSA_P384)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not committing");
    assertThatThrownBy(
            () ->
                RawAesKeyring.builder()
                    .keyNamespace("aws-kms")
                    .keyName("x")
                    .wrappingKey(new byte[32])
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RawAesKeyring.builder()
                    .keyNamespace("n")
                    .keyName("x")
                    .wrappingKey(new byte[20])
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedContextKeysAreRefused() {
    Envelope envelope = Envelope.builder().keyring(KEYRING).build();
    assertThatThrownBy(() -> envelope.encrypt(new byte[1], Map.of("aws-crypto-public-key", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void wrongWrappingKeyMeansNoUsableDataKey() {
    byte[] message = Envelope.builder().keyring(KEYRING).build().encrypt(new byte[10], Map.of());
    Envelope other = Envelope.builder().keyring(keyring("k1", 2)).build();
    // The error names the keyring that was tried (never its key bytes), so the mix-up is visible.
    assertThatThrownBy(() -> other.decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("ns")
        .hasMessageContaining("RawAesKeyring[namespace=ns, name=k1, 256-bit key]");
    Envelope multi =
        Envelope.builder().keyring(MultiKeyring.of(keyring("k1", 2), keyring("k3", 3))).build();
    assertThatThrownBy(() -> multi.decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("name=k1")
        .hasMessageContaining("name=k3");
  }

  @Test
  void multiKeyringLetsAnyMemberDecrypt() {
    RawAesKeyring second = keyring("k2", 2);
    byte[] message =
        Envelope.builder()
            .keyring(MultiKeyring.of(KEYRING, second))
            .build()
            .encrypt(new byte[] {42}, Map.of());
    assertThat(Envelope.builder().keyring(second).build().decrypt(message).plaintext())
        .containsExactly(42);
    assertThat(Envelope.builder().keyring(KEYRING).build().decrypt(message).plaintext())
        .containsExactly(42);
  }

  @Test
  void tooManyEncryptedDataKeysAreRefusedBeforeAnyIsTried() {
    Keyring[] others = new Keyring[10];
    for (int i = 0; i < others.length; i++) {
      others[i] = keyring("extra" + i, 100 + i);
    }
    Envelope writer =
        Envelope.builder()
            .keyring(MultiKeyring.of(KEYRING, others))
            .maxEncryptedDataKeys(11)
            .build();
    byte[] message = writer.encrypt(new byte[] {1}, Map.of());
    CountingKeyring counting = new CountingKeyring(KEYRING);
    Envelope strict = Envelope.builder().keyring(counting).build();
    assertThatThrownBy(() -> strict.decrypt(message))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("11 encrypted data keys");
    assertThat(counting.decryptCalls).isZero();
    assertThat(
            Envelope.builder()
                .keyring(KEYRING)
                .maxEncryptedDataKeys(11)
                .build()
                .decrypt(message)
                .plaintext())
        .containsExactly(1);
    Envelope defaultWriter = Envelope.builder().keyring(MultiKeyring.of(KEYRING, others)).build();
    assertThatThrownBy(() -> defaultWriter.encrypt(new byte[1], Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxEncryptedDataKeys");
  }

  @Test
  void frameLimitBoundsStreamsButNotOneShotDecryption() throws java.io.IOException {
    byte[] message =
        Envelope.builder()
            .keyring(KEYRING)
            .frameSize(1 << 20)
            .build()
            .encrypt(new byte[10], Map.of());
    Envelope reader = Envelope.builder().keyring(KEYRING).maxFrameSize(1 << 16).build();
    assertThat(reader.decrypt(message).plaintext()).hasSize(10);
    assertThatThrownBy(
            () -> reader.decryptingStream(new java.io.ByteArrayInputStream(message)).read())
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("frame length");
  }

  @Test
  void contextsOtherSdksCannotReadAreRefusedOnEncrypt() {
    Envelope envelope = Envelope.builder().keyring(KEYRING).build();
    assertThatThrownBy(() -> envelope.encrypt(new byte[1], Map.of("k", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> envelope.encrypt(new byte[1], Map.of("", "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> envelope.encrypt(new byte[1], Map.of("k", "x".repeat(40_000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32767");
    java.util.Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("key-" + i, "v".repeat(100));
    }
    assertThatThrownBy(() -> envelope.encrypt(new byte[1], many))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32767");
  }

  @Test
  void base64InputGetsAHint() {
    byte[] message = Envelope.builder().keyring(KEYRING).build().encrypt(new byte[10], Map.of());
    byte[] base64 = java.util.Base64.getEncoder().encode(message);
    assertThatThrownBy(() -> Envelope.builder().keyring(KEYRING).build().decrypt(base64))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("Base64");
  }

  @Test
  void contextMismatchCostsNoKeyProviderCall() throws java.io.IOException {
    byte[] message =
        Envelope.builder().keyring(KEYRING).build().encrypt(new byte[10], Map.of("a", "1"));
    CountingKeyring counting = new CountingKeyring(KEYRING);
    Envelope reader = Envelope.builder().keyring(counting).build();
    assertThatThrownBy(() -> reader.decrypt(message, Map.of("a", "2")))
        .isInstanceOf(EncryptionContextMismatchException.class);
    dev.envelope.stream.DecryptingInputStream in =
        reader.decryptingStream(new java.io.ByteArrayInputStream(message), Map.of("a", "2"));
    assertThatThrownBy(in::header).isInstanceOf(EncryptionContextMismatchException.class);
    // The failure is latched: a later read reports the same error instead of parsing on.
    assertThatThrownBy(in::read).isInstanceOf(EncryptionContextMismatchException.class);
    assertThat(counting.decryptCalls).isZero();
  }

  @Test
  void rawKeyringRefusesMaterialsThatAlreadyHoldAKey() {
    DecryptionMaterials withKey =
        DecryptionMaterials.of(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, Map.of(), null)
            .withDataKey(DataKey.wrap(new byte[32]));
    assertThatThrownBy(() -> KEYRING.onDecrypt(withKey, List.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void destroyedRawKeyringRefusesWork() {
    RawAesKeyring keyring = keyring("d", 9);
    keyring.destroy();
    assertThat(keyring.isDestroyed()).isTrue();
    assertThatThrownBy(
            () -> Envelope.builder().keyring(keyring).build().encrypt(new byte[1], Map.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void dataKeysAreZeroedAfterEachMessage() {
    CountingKeyring spy = new CountingKeyring(KEYRING);
    Envelope envelope = Envelope.builder().keyring(spy).build();
    byte[] message = envelope.encrypt(new byte[100], Map.of("a", "b"));
    envelope.decrypt(message);
    assertThat(spy.keys).hasSize(2);
    for (DataKey key : spy.keys) {
      assertThat(key.isDestroyed()).isTrue();
      assertThat(key.toString()).isEqualTo("DataKey[destroyed]");
    }
    assertThat(spy.rawBytes).allSatisfy(bytes -> assertThat(bytes).containsOnly(0));
  }

  @Test
  void toStringsNeverShowKeyBytes() {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 0x41);
    RawAesKeyring keyring =
        RawAesKeyring.builder().keyNamespace("n").keyName("x").wrappingKey(key).build();
    assertThat(keyring.toString()).doesNotContain("AAAA").doesNotContain("65, 65");
    DataKey dataKey = DataKey.copyOf(key);
    assertThat(dataKey.toString()).isEqualTo("DataKey[32 bytes]");
  }

  @Test
  void metricsCountMessagesAndFailures() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Envelope envelope = Envelope.builder().keyring(KEYRING).meterRegistry(registry).build();
    byte[] message = envelope.encrypt(new byte[100], Map.of());
    envelope.decrypt(message);
    message[message.length - 1] ^= 1;
    assertThatThrownBy(() -> envelope.decrypt(message)).isInstanceOf(InvalidMessageException.class);
    assertThat(registry.get("envelope.messages").tag("operation", "encrypt").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("envelope.messages").tag("operation", "decrypt").counter().count())
        .isEqualTo(1);
    assertThat(
            registry.get("envelope.plaintext.bytes").tag("operation", "encrypt").counter().count())
        .isEqualTo(100);
    assertThat(
            registry
                .get("envelope.failures")
                .tag("exception", "InvalidMessageException")
                .counter()
                .count())
        .isEqualTo(1);
  }

  /** Counts calls and records every data key it sees, to check zeroing. */
  static final class CountingKeyring implements Keyring {
    final Keyring delegate;
    final List<DataKey> keys = new ArrayList<>();
    final List<byte[]> rawBytes = new ArrayList<>();
    int decryptCalls;

    CountingKeyring(Keyring delegate) {
      this.delegate = delegate;
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      EncryptionMaterials result = delegate.onEncrypt(materials);
      keys.add(result.dataKey());
      rawBytes.add(result.dataKey().bytes());
      return result;
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> edks) {
      decryptCalls++;
      DecryptionMaterials result = delegate.onDecrypt(materials, edks);
      if (result.hasDataKey()) {
        keys.add(result.dataKey());
        rawBytes.add(result.dataKey().bytes());
      }
      return result;
    }
  }
}

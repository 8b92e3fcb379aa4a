package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The raw AES keyring through the keyring SPI: the encrypted data key it writes and what it
 * unwraps.
 */
class RawAesKeyringTest {
  static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "table", "orders");

  static byte[] key(int length, int seed) {
    byte[] key = new byte[length];
    for (int i = 0; i < length; i++) {
      key[i] = (byte) (seed * 31 + i);
    }
    return key;
  }

  static RawAesKeyring keyring(String namespace, String name, byte[] wrappingKey) {
    return RawAesKeyring.builder()
        .keyNamespace(namespace)
        .keyName(name)
        .wrappingKey(wrappingKey)
        .build();
  }

  static EncryptionMaterials fresh(Map<String, String> context) {
    return EncryptionMaterials.of(SUITE, context, null);
  }

  static DecryptionMaterials toDecrypt(Map<String, String> context) {
    return DecryptionMaterials.of(SUITE, context, null);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 24, 32})
  void generatesADataKeyAndUnwrapsItUnderTheSameContext(int wrappingKeyLength) {
    RawAesKeyring keyring = keyring("ns", "key-1", key(wrappingKeyLength, 1));
    EncryptionMaterials encrypted = keyring.onEncrypt(fresh(CONTEXT));
    assertThat(encrypted.dataKey().length()).isEqualTo(SUITE.dataKeyLength());
    assertThat(encrypted.encryptedDataKeys()).hasSize(1);

    DecryptionMaterials decrypted =
        keyring.onDecrypt(toDecrypt(CONTEXT), encrypted.encryptedDataKeys());
    assertThat(decrypted.hasDataKey()).isTrue();
    assertThat(decrypted.dataKey().bytes()).isEqualTo(encrypted.dataKey().bytes());
  }

  @Test
  void writesTheEsdkLayoutNamespaceNameTagLengthIvLengthIvAndWrappedKeyWithTag() {
    EncryptionMaterials encrypted =
        keyring("my-app", "key-2026", key(32, 2)).onEncrypt(fresh(CONTEXT));
    EncryptedDataKey edk = encrypted.encryptedDataKeys().get(0);
    assertThat(edk.providerId()).isEqualTo("my-app");
    byte[] name = "key-2026".getBytes(StandardCharsets.UTF_8);
    byte[] info = edk.providerInfo();
    assertThat(info).hasSize(name.length + 4 + 4 + 12);
    assertThat(Arrays.copyOf(info, name.length)).isEqualTo(name);
    ByteBuffer rest = ByteBuffer.wrap(info, name.length, 8);
    assertThat(rest.getInt()).as("tag length in bits").isEqualTo(128);
    assertThat(rest.getInt()).as("IV length in bytes").isEqualTo(12);
    assertThat(edk.ciphertext()).hasSize(SUITE.dataKeyLength() + 16);
  }

  @Test
  void anotherContextDoesNotUnwrapTheKey() {
    RawAesKeyring keyring = keyring("ns", "key-1", key(32, 1));
    EncryptionMaterials encrypted = keyring.onEncrypt(fresh(CONTEXT));
    DecryptionMaterials other = toDecrypt(Map.of("tenant", "other", "table", "orders"));
    DecryptionMaterials result = keyring.onDecrypt(other, encrypted.encryptedDataKeys());
    assertThat(result.hasDataKey()).isFalse();
  }

  @Test
  void keysOfAnotherNamespaceOrNameAreNotItsOwnEvenWithTheSameWrappingKey() {
    byte[] shared = key(32, 3);
    EncryptionMaterials encrypted = keyring("ns", "key-1", shared).onEncrypt(fresh(CONTEXT));
    List<EncryptedDataKey> edks = encrypted.encryptedDataKeys();
    assertThat(keyring("ns", "key-2", shared).onDecrypt(toDecrypt(CONTEXT), edks).hasDataKey())
        .isFalse();
    assertThat(
            keyring("other-ns", "key-1", shared).onDecrypt(toDecrypt(CONTEXT), edks).hasDataKey())
        .isFalse();
    assertThat(keyring("ns", "key-1", shared).onDecrypt(toDecrypt(CONTEXT), edks).hasDataKey())
        .isTrue();
  }

  @Test
  void aTamperedKeyIsSkippedAndTheNextOneTried() {
    RawAesKeyring keyring = keyring("ns", "key-1", key(32, 4));
    EncryptionMaterials first = keyring.onEncrypt(fresh(CONTEXT));
    EncryptedDataKey good = first.encryptedDataKeys().get(0);
    byte[] ciphertext = good.ciphertext();
    ciphertext[0] ^= 1;
    EncryptedDataKey tampered =
        new EncryptedDataKey(good.providerId(), good.providerInfo(), ciphertext);

    assertThat(keyring.onDecrypt(toDecrypt(CONTEXT), List.of(tampered)).hasDataKey()).isFalse();
    DecryptionMaterials result = keyring.onDecrypt(toDecrypt(CONTEXT), List.of(tampered, good));
    assertThat(result.dataKey().bytes()).isEqualTo(first.dataKey().bytes());
  }

  @Test
  void encryptsAnExistingDataKeyOnceMoreWithoutReplacingIt() {
    RawAesKeyring first = keyring("ns", "key-1", key(32, 5));
    RawAesKeyring second = keyring("ns", "key-2", key(32, 6));
    EncryptionMaterials one = first.onEncrypt(fresh(CONTEXT));
    EncryptionMaterials both = second.onEncrypt(one);
    assertThat(both.dataKey().bytes()).isEqualTo(one.dataKey().bytes());
    assertThat(both.encryptedDataKeys()).hasSize(2).startsWith(one.encryptedDataKeys().get(0));

    DecryptionMaterials bySecond = second.onDecrypt(toDecrypt(CONTEXT), both.encryptedDataKeys());
    assertThat(bySecond.dataKey().bytes()).isEqualTo(one.dataKey().bytes());
  }

  @Test
  void keepsItsOwnCopyOfTheWrappingKey() {
    byte[] wrappingKey = key(32, 7);
    RawAesKeyring keyring = keyring("ns", "key-1", wrappingKey);
    EncryptionMaterials encrypted = keyring.onEncrypt(fresh(CONTEXT));
    Arrays.fill(wrappingKey, (byte) 0); // the caller zeroes its array
    assertThat(keyring.onDecrypt(toDecrypt(CONTEXT), encrypted.encryptedDataKeys()).hasDataKey())
        .isTrue();
    // ...and a keyring over the caller's (now zero) bytes is another key.
    RawAesKeyring zero = keyring("ns", "key-1", wrappingKey);
    assertThat(zero.onDecrypt(toDecrypt(CONTEXT), encrypted.encryptedDataKeys()).hasDataKey())
        .isFalse();
  }

  @Test
  void refusesDecryptionMaterialsThatAlreadyHoldAKey() {
    DecryptionMaterials withKey = toDecrypt(Map.of()).withDataKey(DataKey.wrap(new byte[32]));
    assertThatThrownBy(() -> keyring("ns", "k", key(32, 8)).onDecrypt(withKey, List.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDestroyedKeyringRefusesWork() {
    RawAesKeyring keyring = keyring("ns", "k", key(32, 9));
    EncryptionMaterials encrypted = keyring.onEncrypt(fresh(CONTEXT));
    keyring.destroy();
    assertThat(keyring.isDestroyed()).isTrue();
    assertThatThrownBy(() -> keyring.onEncrypt(fresh(CONTEXT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destroyed");
    assertThatThrownBy(() -> keyring.onDecrypt(toDecrypt(CONTEXT), encrypted.encryptedDataKeys()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderRefusesBadKeysAndTheKmsNamespace() {
    assertThatThrownBy(() -> keyring("ns", "k", new byte[20]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16, 24 or 32 bytes");
    assertThatThrownBy(() -> keyring("aws-kms", "k", key(32, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(
            () -> RawAesKeyring.builder().keyNamespace("ns").wrappingKey(key(32, 1)).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("keyName");
  }

  @Test
  void toStringNamesTheKeyButNotItsBytes() {
    RawAesKeyring keyring = keyring("ns", "key-1", key(32, 10));
    assertThat(keyring.toString())
        .isEqualTo("RawAesKeyring[namespace=ns, name=key-1, 256-bit key]");
  }
}

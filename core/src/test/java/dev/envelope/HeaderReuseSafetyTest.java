package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.CachingMaterialsManager;
import dev.envelope.materials.RequiredEncryptionContextMaterialsManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-thread reuse of header work (the serialized context and body a thread wrote last, the
 * context and data keys it parsed last) and the data-key cache keyed on header bytes, seen through
 * the public API: nothing written or read for one message, one caller's map or one Envelope's
 * limits ever serves another whose bytes, map contents or limits differ.
 */
class HeaderReuseSafetyTest {
  private static final byte[] PLAINTEXT = "record".getBytes(StandardCharsets.UTF_8);

  /** A raw AES keyring that counts the data keys it is asked to unwrap. */
  static final class CountingKeyring implements Keyring {
    final AtomicInteger decrypts = new AtomicInteger();
    private final Keyring delegate;

    CountingKeyring(String name, int seed) {
      byte[] key = new byte[32];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) (seed * 31 + i);
      }
      delegate = RawAesKeyring.builder().keyNamespace("ns").keyName(name).wrappingKey(key).build();
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      return delegate.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
      decrypts.incrementAndGet();
      return delegate.onDecrypt(materials, encryptedDataKeys);
    }
  }

  private static CachingMaterialsManager caching(Keyring keyring) {
    return CachingMaterialsManager.builder()
        .keyring(keyring)
        .maxAge(Duration.ofMinutes(5))
        .capacity(100)
        .build();
  }

  /** {@code message} with {@code from} replaced by {@code to} (same length) in its header. */
  private static byte[] replacedOnce(byte[] message, byte[] from, byte[] to) {
    assertThat(to).hasSameSizeAs(from);
    outer:
    for (int i = 0; i + from.length <= message.length; i++) {
      for (int j = 0; j < from.length; j++) {
        if (message[i + j] != from[j]) {
          continue outer;
        }
      }
      byte[] tampered = message.clone();
      System.arraycopy(to, 0, tampered, i, to.length);
      return tampered;
    }
    throw new AssertionError("bytes not found in the message");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void tamperedHeaderBytesOfTheSameLengthNeverDecryptWithTheOriginalsCachedMaterials() {
    CountingKeyring keyring = new CountingKeyring("k", 1);
    Envelope envelope = Envelope.builder().materialsManager(caching(keyring)).build();
    byte[] message = envelope.encrypt(PLAINTEXT, Map.of("tenant", "acme"));
    assertThat(envelope.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(envelope.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(keyring.decrypts).hasValue(1); // the second decrypt was a cache hit

    // A context value changed at the same length: other header bytes, another entry, and the data
    // key does not unwrap under that context.
    byte[] otherContext = replacedOnce(message, utf8("acme"), utf8("acmf"));
    assertThatThrownBy(() -> envelope.decrypt(otherContext))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(keyring.decrypts).hasValue(2);

    // One byte of the encrypted data key changed: likewise.
    EncryptedDataKey edk =
        dev.envelope.internal.format.MessageHeader.parse(
                message,
                0,
                message.length,
                new dev.envelope.internal.format.DecryptionLimits(10, 1 << 16, 1 << 20))
            .encryptedDataKeys()
            .get(0);
    byte[] ciphertext = edk.ciphertext();
    byte[] flipped = ciphertext.clone();
    flipped[5] ^= 1;
    byte[] otherKey = replacedOnce(message, ciphertext, flipped);
    assertThatThrownBy(() -> envelope.decrypt(otherKey))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(keyring.decrypts).hasValue(3);

    // A changed message id lies outside the keyed bytes: the cached entry serves it, and the header
    // tag (made with the message's derived key) refuses it.
    byte[] otherId = message.clone();
    otherId[3 + 7] ^= 1;
    assertThatThrownBy(() -> envelope.decrypt(otherId)).isInstanceOf(InvalidMessageException.class);
    assertThat(keyring.decrypts).hasValue(3);

    // The original still decrypts from its entry, on a thread whose last parse was a tampered one.
    assertThat(envelope.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(keyring.decrypts).hasValue(3);
  }

  @Test
  void twoEnvelopesWithOtherLimitsUsedAlternatelyOnOneThreadEachKeepTheirOwn() {
    Keyring keyring = MultiKeyring.of(new CountingKeyring("k1", 2), new CountingKeyring("k2", 3));
    Envelope lax = Envelope.builder().keyring(keyring).build();
    Envelope strictKeys = Envelope.builder().keyring(keyring).maxEncryptedDataKeys(1).build();
    byte[] message = lax.encrypt(PLAINTEXT, Map.of("tenant", "acme"));
    int headerLength =
        dev.envelope.internal.format.MessageHeader.parse(
                message,
                0,
                message.length,
                new dev.envelope.internal.format.DecryptionLimits(10, 1 << 16, 1 << 20))
            .length();
    Envelope strictLength =
        Envelope.builder().keyring(keyring).maxHeaderLength(headerLength - 1).build();

    for (int round = 0; round < 3; round++) {
      // Each lax decrypt leaves this thread's last parsed section matching the message.
      assertThat(lax.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
      assertThatThrownBy(() -> strictKeys.decrypt(message))
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("2 encrypted data keys; the limit is 1");
      assertThat(lax.decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
      assertThatThrownBy(() -> strictLength.decrypt(message))
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("longer than the limit of " + (headerLength - 1));
    }
  }

  @Test
  void aCallersMapChangedBetweenCallsIsWrittenAsItIsNow() {
    CountingKeyring keyring = new CountingKeyring("k", 4);
    for (Envelope envelope :
        List.of(
            Envelope.builder().keyring(keyring).build(),
            Envelope.builder().materialsManager(caching(keyring)).build())) {
      Map<String, String> context = new HashMap<>(Map.of("tenant", "acme", "table", "t1"));
      byte[] first = envelope.encrypt(PLAINTEXT, context);
      context.put("tenant", "acmf"); // same size, same lengths: only the bytes differ
      byte[] second = envelope.encrypt(PLAINTEXT, context);
      context.remove("table");
      context.put("tablf", "t1"); // another key of the same length
      byte[] third = envelope.encrypt(PLAINTEXT, context);
      context.put("tablf", "t2");
      byte[] fourth = envelope.encrypt(PLAINTEXT, context);

      assertThat(envelope.decrypt(first).encryptionContext())
          .isEqualTo(Map.of("tenant", "acme", "table", "t1"));
      assertThat(envelope.decrypt(second).encryptionContext())
          .isEqualTo(Map.of("tenant", "acmf", "table", "t1"));
      assertThat(envelope.decrypt(third).encryptionContext())
          .isEqualTo(Map.of("tenant", "acmf", "tablf", "t1"));
      assertThat(envelope.decrypt(fourth).encryptionContext())
          .isEqualTo(Map.of("tenant", "acmf", "tablf", "t2"));
    }
  }

  @Test
  void requiredAndExpectedContextsGetTheirOwnEntriesOnOneThread() {
    CountingKeyring keyring = new CountingKeyring("k", 5);
    CachingMaterialsManager cache = caching(keyring);
    Envelope required =
        Envelope.builder()
            .materialsManager(
                RequiredEncryptionContextMaterialsManager.builder()
                    .materialsManager(cache)
                    .requiredKeys(Set.of("tenant"))
                    .build())
            .build();
    Envelope plain = Envelope.builder().materialsManager(cache).build();
    Map<String, String> context = Map.of("tenant", "acme", "table", "t1");
    byte[] stored = plain.encrypt(PLAINTEXT, context);
    byte[] notStored = required.encrypt(PLAINTEXT, context);

    assertThat(plain.decrypt(stored).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(plain.decrypt(stored, context).plaintext()).isEqualTo(PLAINTEXT);
    int afterStored = keyring.decrypts.get();
    // Only authenticated, not stored: the expected pair has to be reproduced, and a wrong one never
    // reaches materials cached for the right one.
    assertThat(required.decrypt(notStored, context).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(required.decrypt(notStored, context).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(keyring.decrypts.get()).isEqualTo(afterStored + 1);
    assertThatThrownBy(() -> required.decrypt(notStored, Map.of("tenant", "acmf", "table", "t1")))
        .isInstanceOf(EnvelopeException.class);
    assertThatThrownBy(() -> plain.decrypt(notStored, Map.of("table", "t1")))
        .isInstanceOf(EnvelopeException.class);
    assertThatThrownBy(() -> plain.decrypt(notStored)).isInstanceOf(EnvelopeException.class);
    // The stored-context message still decrypts from its own entry.
    assertThat(plain.decrypt(stored).plaintext()).isEqualTo(PLAINTEXT);
  }
}

package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.CipherMemory;
import dev.envelope.internal.crypto.OwnedKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Where the raw AES keyring's wrapping key lives inside the JDK's ciphers: only in the keyring's
 * own pooled ciphers, and nowhere once the keyring is destroyed (runs in the {@code jdk-internals}
 * surefire execution, with the JDK's crypto packages opened).
 */
class RawAesKeyringScrubTest {
  @Test
  void wrappingAndUnwrappingLeaveTheWrappingKeyOutOfTheThreadsMessageCipher() throws Exception {
    byte[] wrappingKey = RawAesKeyringTest.key(32, 11);
    // The thread's message cipher, as a message leaves it: used, then scrubbed.
    AesGcm messageCipher = AesGcm.forThread();
    messageCipher.encrypt(
        new OwnedKey(RawAesKeyringTest.key(32, 99), "AES"),
        new byte[AesGcm.IV_LENGTH],
        null,
        new byte[16],
        0,
        16,
        new byte[32],
        0);
    messageCipher.scrub();
    RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "key-1", wrappingKey);

    EncryptionMaterials encrypted =
        keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT));
    DecryptionMaterials decrypted =
        keyring.onDecrypt(
            RawAesKeyringTest.toDecrypt(RawAesKeyringTest.CONTEXT), encrypted.encryptedDataKeys());

    assertThat(decrypted.dataKey().bytes()).isEqualTo(encrypted.dataKey().bytes());
    assertThat(CipherMemory.copiesOf(wrappingKey, messageCipher)).isEmpty();
    // The scan does find the key where it is: in the keyring's idle cipher.
    assertThat(keyring.idleCiphers()).hasSize(1);
    assertThat(CipherMemory.copiesOf(wrappingKey, keyring.idleCiphers().toArray())).isNotEmpty();
  }

  @Test
  void successiveDataKeysReuseOnePooledCipherOnOneThread() {
    RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "key-1", RawAesKeyringTest.key(16, 3));
    keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT));
    AesGcm first = keyring.idleCiphers().get(0);

    for (int i = 0; i < 10; i++) {
      keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT));
    }

    assertThat(keyring.idleCiphers()).containsExactly(first);
  }

  @Test
  void destroyScrubsEveryPooledCipher() throws Exception {
    byte[] wrappingKey = RawAesKeyringTest.key(32, 12);
    RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "key-1", wrappingKey);
    // Several callers at once leave several ciphers in the pool.
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 2000; i++) {
                    keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<AesGcm> pooled = keyring.idleCiphers();
    assertThat(pooled).isNotEmpty();
    assertThat(CipherMemory.copiesOf(wrappingKey, pooled.toArray())).isNotEmpty();

    keyring.destroy();

    assertThat(keyring.idleCiphers()).isEmpty();
    assertThat(CipherMemory.copiesOf(wrappingKey, pooled.toArray())).isEmpty();
    assertThat(CipherMemory.copiesOf(wrappingKey, keyring)).isEmpty();
  }

  @Test
  void aCipherInUseWhenTheKeyringIsDestroyedIsScrubbedWhenItComesBack() throws Exception {
    byte[] wrappingKey = RawAesKeyringTest.key(32, 13);
    RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "key-1", wrappingKey);
    AesGcm inUse = keyring.acquireCipher();
    inUse.encrypt(
        new OwnedKey(wrappingKey.clone(), "AES"),
        new byte[AesGcm.IV_LENGTH],
        null,
        new byte[32],
        0,
        32,
        new byte[48],
        0);
    assertThat(CipherMemory.copiesOf(wrappingKey, inUse)).isNotEmpty();

    keyring.destroy();
    keyring.releaseCipher(inUse);

    assertThat(CipherMemory.copiesOf(wrappingKey, inUse)).isEmpty();
    assertThat(keyring.idleCiphers()).isEmpty();
  }

  @Test
  void destroyWaitsForTheOperationUnderWayBeforeZeroingTheKey() throws Exception {
    byte[] wrappingKey = RawAesKeyringTest.key(32, 14);
    RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "key-1", wrappingKey);
    keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT));
    AesGcm inUse = keyring.acquireCipher(); // an operation under way on another thread

    keyring.destroy();

    // New work is refused at once, with the keyring's own error...
    assertThat(keyring.isDestroyed()).isTrue();
    assertThatThrownBy(() -> keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("keyring destroyed");
    assertThatThrownBy(keyring::acquireCipher)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("keyring destroyed");
    // ...but the key the running operation reads is still whole: zeroing it under the cipher's init
    // could wrap a data key under (partly) zero bytes.
    assertThat(CipherMemory.copiesOf(wrappingKey, keyring)).isNotEmpty();

    keyring.releaseCipher(inUse);

    assertThat(CipherMemory.copiesOf(wrappingKey, keyring)).isEmpty();
    assertThat(CipherMemory.copiesOf(wrappingKey, inUse)).isEmpty();
    assertThat(keyring.idleCiphers()).isEmpty();
  }
}

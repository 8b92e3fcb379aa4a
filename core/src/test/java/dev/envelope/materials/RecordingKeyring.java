package dev.envelope.materials;

import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw AES keyring that counts its calls and keeps a reference to every data key it produced, so
 * tests can see the exact byte arrays a cache holds (and whether they were zeroed). Optionally
 * blocks each call on a gate, or fails.
 */
final class RecordingKeyring implements Keyring {
  final AtomicInteger encryptCalls = new AtomicInteger();
  final AtomicInteger decryptCalls = new AtomicInteger();
  final List<DataKey> produced = new CopyOnWriteArrayList<>();

  /** The live byte arrays of {@link #produced}, same order: what zeroing must clear. */
  final List<byte[]> producedBytes = new CopyOnWriteArrayList<>();

  final CountDownLatch entered = new CountDownLatch(1);
  private final Keyring delegate;
  private volatile CountDownLatch gate;
  private volatile RuntimeException failure;

  RecordingKeyring() {
    byte[] wrappingKey = new byte[32];
    for (int i = 0; i < wrappingKey.length; i++) {
      wrappingKey[i] = (byte) (i * 7 + 1);
    }
    this.delegate =
        RawAesKeyring.builder()
            .keyNamespace("test")
            .keyName("key-1")
            .wrappingKey(wrappingKey)
            .build();
  }

  /** Every call waits for {@code gate} to open. */
  RecordingKeyring blockingOn(CountDownLatch gate) {
    this.gate = gate;
    return this;
  }

  RecordingKeyring failingWith(RuntimeException failure) {
    this.failure = failure;
    return this;
  }

  int calls() {
    return encryptCalls.get() + decryptCalls.get();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    encryptCalls.incrementAndGet();
    pause();
    EncryptionMaterials result = delegate.onEncrypt(materials);
    record(result.dataKey());
    return result;
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    decryptCalls.incrementAndGet();
    pause();
    DecryptionMaterials result = delegate.onDecrypt(materials, encryptedDataKeys);
    if (result.hasDataKey()) {
      record(result.dataKey());
    }
    return result;
  }

  private void record(DataKey key) {
    producedBytes.add(key.bytes());
    produced.add(key);
  }

  private void pause() {
    entered.countDown();
    CountDownLatch g = gate;
    if (g != null) {
      try {
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /** Whether the {@code i}-th produced key's array is all zero and its DataKey destroyed. */
  boolean isZeroed(int i) {
    for (byte b : producedBytes.get(i)) {
      if (b != 0) {
        return false;
      }
    }
    return produced.get(i).isDestroyed();
  }
}

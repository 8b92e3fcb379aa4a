package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link RawAesKeyring#destroy()} racing with work on other threads: an operation either refuses
 * with the keyring's typed error or completes with the real wrapping key, never with a key that
 * destroy() was zeroing meanwhile (a data key wrapped under zeros would be readable by anyone).
 */
class RawAesKeyringDestroyRaceTest {
  @Test
  void aWrapRacingWithDestroyUsesTheRealKeyOrRefuses() throws Exception {
    byte[] wrappingKey = RawAesKeyringTest.key(32, 21);
    RawAesKeyring reference = RawAesKeyringTest.keyring("ns", "k", wrappingKey);
    ExecutorService worker = Executors.newSingleThreadExecutor();
    List<EncryptionMaterials> wrapped = new ArrayList<>();
    long deadline = System.nanoTime() + 2_000_000_000L;
    int trials = 0;
    try {
      while (System.nanoTime() < deadline) {
        trials++;
        RawAesKeyring keyring = RawAesKeyringTest.keyring("ns", "k", wrappingKey);
        AtomicBoolean started = new AtomicBoolean();
        Future<List<EncryptionMaterials>> results =
            worker.submit(
                () -> {
                  List<EncryptionMaterials> out = new ArrayList<>();
                  started.set(true);
                  while (true) {
                    try {
                      out.add(
                          keyring.onEncrypt(RawAesKeyringTest.fresh(RawAesKeyringTest.CONTEXT)));
                    } catch (IllegalStateException e) {
                      // The keyring's own refusal, not a cipher that met a half-destroyed key.
                      assertThat(e).hasMessage("keyring destroyed");
                      return out;
                    }
                  }
                });
        while (!started.get()) {
          Thread.onSpinWait();
        }
        for (int spin = trials % 64; spin > 0; spin--) {
          Thread.onSpinWait();
        }
        keyring.destroy();
        wrapped.addAll(results.get());
      }
    } finally {
      worker.shutdownNow();
    }
    int bad = 0;
    for (EncryptionMaterials m : wrapped) {
      DecryptionMaterials d =
          reference.onDecrypt(
              RawAesKeyringTest.toDecrypt(RawAesKeyringTest.CONTEXT), m.encryptedDataKeys());
      if (!d.hasDataKey()) {
        bad++;
      }
    }
    assertThat(trials).isPositive();
    assertThat(bad).as("data keys wrapped under a zeroed key").isZero();
  }
}

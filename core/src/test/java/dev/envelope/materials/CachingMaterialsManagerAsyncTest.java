package dev.envelope.materials;

import static dev.envelope.materials.CachingMaterialsManagerTest.keyOf;
import static dev.envelope.materials.CachingMaterialsManagerTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.KeyProviderException;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.GatedAsyncKeyring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The cache's asynchronous side: single flight without waiting threads, the same bounds, zeroing.
 */
class CachingMaterialsManagerAsyncTest {

  private static CachingMaterialsManager.Builder cache(GatedAsyncKeyring keyring) {
    return CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(5));
  }

  @Test
  void concurrentMissesShareOneFutureAndOneKeyProviderCall() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1);
    CachingMaterialsManager mm = cache(keyring).build();
    List<CompletableFuture<EncryptionMaterials>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(mm.getEncryptionMaterialsAsync(request(10)));
    }
    assertThat(futures).allMatch(f -> !f.isDone()); // nobody waits on a thread, nobody is done
    assertThat(keyring.started).hasValue(1);
    keyring.releaseAll();
    Set<Object> keys = new HashSet<>();
    for (CompletableFuture<EncryptionMaterials> f : futures) {
      try (EncryptionMaterials m = f.join()) {
        keys.add(keyOf(m));
        assertThat(m.dataKey().bytes()).isNotSameAs(keyring.producedBytes.get(0)); // a copy
      }
    }
    assertThat(keys).hasSize(1);
    // Blocking callers see the same entry.
    try (EncryptionMaterials m = mm.getEncryptionMaterials(request(10))) {
      assertThat(keyOf(m)).isEqualTo(keys.iterator().next());
    }
    assertThat(keyring.started).hasValue(1);
    assertThat(keyring.isZeroed(0)).isFalse(); // the cache still holds it
    mm.invalidateAll();
    assertThat(keyring.isZeroed(0)).isTrue();
  }

  @Test
  void maxMessagesHoldsForWaitersOfOneLoad() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1);
    CachingMaterialsManager mm = cache(keyring).maxMessages(3).build();
    List<CompletableFuture<EncryptionMaterials>> futures = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      futures.add(mm.getEncryptionMaterialsAsync(request(10)));
    }
    // Each load serves at most three messages; the waiters beyond start the next load.
    while (futures.stream().anyMatch(f -> !f.isDone())) {
      assertThat(keyring.waiting()).isEqualTo(1);
      keyring.releaseAll();
    }
    assertThat(keyring.started).hasValue(3);
    List<Object> keys = new ArrayList<>();
    for (CompletableFuture<EncryptionMaterials> f : futures) {
      try (EncryptionMaterials m = f.join()) {
        keys.add(keyOf(m));
      }
    }
    assertThat(new HashSet<>(keys)).hasSize(3);
    for (Object k : new HashSet<>(keys)) {
      assertThat(keys.stream().filter(k::equals).count()).isLessThanOrEqualTo(3);
    }
    assertThat(keyring.isZeroed(0)).isTrue(); // spent keys are zeroed at once
    assertThat(keyring.isZeroed(1)).isTrue();
  }

  @Test
  void aFailedLoadFailsEveryWaiterOnceAndIsNotCached() {
    GatedAsyncKeyring keyring =
        new GatedAsyncKeyring("k", 1).failingWith(new KeyProviderException("provider down"));
    CachingMaterialsManager mm = cache(keyring).build();
    CompletableFuture<EncryptionMaterials> a = mm.getEncryptionMaterialsAsync(request(10));
    CompletableFuture<EncryptionMaterials> b = mm.getEncryptionMaterialsAsync(request(10));
    keyring.releaseAll();
    assertThatThrownBy(a::join).hasCauseInstanceOf(KeyProviderException.class);
    assertThatThrownBy(b::join).hasCauseInstanceOf(KeyProviderException.class);
    assertThat(keyring.started).hasValue(1);
    assertThat(mm.estimatedSize()).isZero();
  }

  @Test
  void aCancelledWaiterGetsNoCopyAndTheSharedLoadStillServesTheOthers() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1);
    CachingMaterialsManager mm = cache(keyring).build();
    CompletableFuture<EncryptionMaterials> loader = mm.getEncryptionMaterialsAsync(request(10));
    CompletableFuture<EncryptionMaterials> waiter = mm.getEncryptionMaterialsAsync(request(10));
    loader.cancel(false); // the caller whose miss started the load gives up
    waiter.cancel(false);
    CompletableFuture<EncryptionMaterials> third = mm.getEncryptionMaterialsAsync(request(10));
    assertThat(keyring.returned.get(0).isCancelled()).isFalse(); // shared: not cancelled
    keyring.releaseAll();
    try (EncryptionMaterials m = third.join()) {
      assertThat(m.hasDataKey()).isTrue();
    }
    assertThat(keyring.started).hasValue(1);
    assertThat(mm.estimatedSize()).isEqualTo(1);
    mm.invalidateAll();
    assertThat(keyring.isZeroed(0)).isTrue();
  }

  @Test
  void decryptionMaterialsAreCachedAsyncToo() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1).ungated();
    CachingMaterialsManager mm = cache(keyring).build();
    dev.envelope.Envelope envelope = dev.envelope.Envelope.builder().materialsManager(mm).build();
    byte[] message = envelope.encryptAsync(new byte[] {1, 2, 3}, java.util.Map.of()).join();
    for (int i = 0; i < 5; i++) {
      assertThat(envelope.decryptAsync(message, java.util.Map.of()).join().plaintext())
          .containsExactly(1, 2, 3);
    }
    assertThat(keyring.started).hasValue(2); // one generate, one decrypt: the rest were hits
  }
}

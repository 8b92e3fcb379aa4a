package dev.envelope.materials;

import static dev.envelope.materials.CachingMaterialsManagerTest.keyOf;
import static dev.envelope.materials.CachingMaterialsManagerTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.KeyProviderException;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CachingMaterialsManagerConcurrencyTest {
  static final int THREADS = 16;

  final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Runs {@code task} on every thread, released together, and returns each thread's result. */
  <T> List<T> onAllThreads(Callable<T> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<T>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                return task.call();
              }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @RepeatedTest(3)
  void maxMessagesHoldsUnderContention() throws Exception {
    RecordingKeyring keyring = new RecordingKeyring();
    long maxMessages = 7;
    int perThread = 500;
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofHours(1))
            .maxMessages(maxMessages)
            .build();
    Map<EncryptedDataKey, AtomicLong> usesPerKey = new ConcurrentHashMap<>();

    onAllThreads(
        () -> {
          for (int i = 0; i < perThread; i++) {
            try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
              usesPerKey.computeIfAbsent(keyOf(m), k -> new AtomicLong()).incrementAndGet();
            }
          }
          return null;
        });

    long total = (long) THREADS * perThread;
    assertThat(usesPerKey.values())
        .allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(maxMessages));
    assertThat(usesPerKey.values().stream().mapToLong(AtomicLong::get).sum()).isEqualTo(total);
    // A key is only replaced once spent, so the calls are the minimum the bound allows.
    assertThat(keyring.calls()).isEqualTo((int) ((total + maxMessages - 1) / maxMessages));
    assertThat(usesPerKey).hasSize(keyring.calls());
    // Every key the cache held is zeroed except possibly the one still cached.
    long live = keyring.produced.stream().filter(k -> !k.isDestroyed()).count();
    assertThat(live).isLessThanOrEqualTo(1);
  }

  @RepeatedTest(3)
  void maxBytesHoldsUnderContention() throws Exception {
    RecordingKeyring keyring = new RecordingKeyring();
    long maxBytes = 10_000;
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofHours(1))
            .maxBytes(maxBytes)
            .maxMessages(50)
            .build();
    Map<EncryptedDataKey, AtomicLong> bytesPerKey = new ConcurrentHashMap<>();
    Map<EncryptedDataKey, AtomicLong> usesPerKey = new ConcurrentHashMap<>();

    onAllThreads(
        () -> {
          for (int i = 0; i < 300; i++) {
            long n = ThreadLocalRandom.current().nextLong(0, 2_000);
            try (EncryptionMaterials m = mm.getEncryptionMaterials(request(n))) {
              bytesPerKey.computeIfAbsent(keyOf(m), k -> new AtomicLong()).addAndGet(n);
              usesPerKey.computeIfAbsent(keyOf(m), k -> new AtomicLong()).incrementAndGet();
            }
          }
          return null;
        });

    assertThat(bytesPerKey.values())
        .allSatisfy(b -> assertThat(b.get()).isLessThanOrEqualTo(maxBytes));
    assertThat(usesPerKey.values()).allSatisfy(u -> assertThat(u.get()).isLessThanOrEqualTo(50));
    assertThat(usesPerKey.values().stream().mapToLong(AtomicLong::get).sum())
        .isEqualTo(THREADS * 300L);
  }

  @Test
  void concurrentMissesMakeOneUnderlyingCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingKeyring keyring = new RecordingKeyring().blockingOn(release);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofHours(1))
            .meterRegistry(registry)
            .partition("p")
            .build();
    List<Thread> callers = new ArrayList<>();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<EncryptedDataKey>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(
          pool.submit(
              () -> {
                synchronized (callers) {
                  callers.add(Thread.currentThread());
                }
                start.await(30, TimeUnit.SECONDS);
                try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
                  return keyOf(m);
                }
              }));
    }
    assertThat(keyring.entered.await(30, TimeUnit.SECONDS)).isTrue();
    // Hold the slow call until every other caller is parked waiting for it (not sleeping: polling
    // state).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int parked;
    while ((parked = parked(callers)) < THREADS && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    // At one instant all were parked: one in the keyring's gate, fifteen on the load. (Re-reading
    // the states here would be racy: a parked thread may wake spuriously and park again.)
    assertThat(parked).isEqualTo(THREADS);
    release.countDown();

    List<EncryptedDataKey> keys = new ArrayList<>();
    for (Future<EncryptedDataKey> f : results) {
      keys.add(f.get(30, TimeUnit.SECONDS));
    }
    assertThat(keyring.calls()).isEqualTo(1);
    assertThat(keys).containsOnly(keys.get(0));
    assertThat(registry.get("envelope.cache.misses").counter().count()).isEqualTo(1);
    assertThat(registry.get("envelope.cache.hits").counter().count()).isEqualTo(THREADS - 1);
    assertThat(registry.get("envelope.cache.underlying.calls").counter().count()).isEqualTo(1);
  }

  private static int parked(List<Thread> threads) {
    synchronized (threads) {
      int n = 0;
      for (Thread t : threads) {
        Thread.State s = t.getState();
        if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
          n++;
        }
      }
      return threads.size() == THREADS ? n : 0;
    }
  }

  @Test
  void concurrentDecryptionMissesMakeOneUnderlyingCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingKeyring keyring = new RecordingKeyring();
    EncryptionMaterials written =
        new DefaultMaterialsManager(keyring).getEncryptionMaterials(request(1));
    keyring.blockingOn(release);
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofHours(1)).build();
    DecryptionRequest r =
        new DecryptionRequest(
            CachingMaterialsManagerTest.SUITE,
            written.encryptedDataKeys(),
            written.encryptionContext());
    CountDownLatch started = new CountDownLatch(THREADS);
    List<Future<byte[]>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(
          pool.submit(
              () -> {
                started.countDown();
                try (var m = mm.decryptMaterials(r)) {
                  return m.dataKey().bytes().clone();
                }
              }));
    }
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keyring.entered.await(30, TimeUnit.SECONDS)).isTrue();
    release.countDown();
    for (Future<byte[]> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(written.dataKey().bytes());
    }
    assertThat(keyring.decryptCalls.get()).isEqualTo(1);
  }

  @Test
  void concurrentMissesShareOneFailure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    KeyProviderException throttled = new KeyProviderException("throttled");
    RecordingKeyring keyring = new RecordingKeyring().blockingOn(release).failingWith(throttled);
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofHours(1)).build();
    List<Thread> callers = new ArrayList<>();
    List<Future<Throwable>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(
          pool.submit(
              () -> {
                synchronized (callers) {
                  callers.add(Thread.currentThread());
                }
                try {
                  mm.getEncryptionMaterials(request(1)).close();
                  return null;
                } catch (RuntimeException e) {
                  return e;
                }
              }));
    }
    assertThat(keyring.entered.await(30, TimeUnit.SECONDS)).isTrue();
    // Fail the call only once every caller is parked: one in the keyring's gate, fifteen waiting
    // for its load.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int parked;
    while ((parked = parked(callers)) < THREADS && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(parked).isEqualTo(THREADS);
    release.countDown();
    for (Future<Throwable> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(throttled);
    }
    // Single flight also when the load fails: the waiters got its failure instead of calling the
    // provider.
    assertThat(keyring.calls()).isEqualTo(1);
    keyring.failingWith(null);
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(mm.estimatedSize()).isEqualTo(1);
  }

  @Test
  void burstOfMissesOnASpentKeyLoadsOnlyWhatTheBoundRequires() throws Exception {
    // 16 threads at once against maxMessages 4: four keys, each used exactly four times, no herd.
    for (int round = 0; round < 20; round++) {
      RecordingKeyring keyring = new RecordingKeyring();
      CachingMaterialsManager mm =
          CachingMaterialsManager.builder()
              .keyring(keyring)
              .maxAge(Duration.ofHours(1))
              .maxMessages(4)
              .build();
      List<EncryptedDataKey> keys =
          onAllThreads(
              () -> {
                try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
                  return keyOf(m);
                }
              });
      assertThat(keyring.calls()).isEqualTo(4);
      assertThat(keys.stream().distinct().count()).isEqualTo(4);
      assertThat(keyring.produced).allSatisfy(k -> assertThat(k.isDestroyed()).isTrue());
    }
  }

  @Test
  void refreshAheadUnderContentionStaysWithinBounds() throws Exception {
    RecordingKeyring keyring = new RecordingKeyring();
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    try {
      CachingMaterialsManager mm =
          CachingMaterialsManager.builder()
              .keyring(keyring)
              .maxAge(Duration.ofHours(1))
              .maxMessages(20)
              .refreshAhead(true)
              .refreshExecutor(refresher)
              .build();
      Map<EncryptedDataKey, AtomicLong> usesPerKey = new ConcurrentHashMap<>();
      onAllThreads(
          () -> {
            for (int i = 0; i < 200; i++) {
              try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
                usesPerKey.computeIfAbsent(keyOf(m), k -> new AtomicLong()).incrementAndGet();
              }
            }
            return null;
          });
      assertThat(usesPerKey.values()).allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(20));
      assertThat(usesPerKey.values().stream().mapToLong(AtomicLong::get).sum())
          .isEqualTo(THREADS * 200L);
    } finally {
      refresher.shutdown();
      assertThat(refresher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}

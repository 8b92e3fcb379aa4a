package dev.envelope.materials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.KeyProviderException;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class CachingMaterialsManagerTest {
  static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  final RecordingKeyring keyring = new RecordingKeyring();
  final FakeTicker ticker = new FakeTicker();

  CachingMaterialsManager.Builder cache() {
    return CachingMaterialsManager.builder()
        .keyring(keyring)
        .maxAge(Duration.ofMinutes(5))
        .ticker(ticker);
  }

  static EncryptionRequest request(long length) {
    return request(CONTEXT, length);
  }

  static EncryptionRequest request(Map<String, String> context, long length) {
    return new EncryptionRequest(context, SUITE, OptionalLong.of(length));
  }

  /** Which data key materials hold: its encrypted form is unique per keyring call. */
  static EncryptedDataKey keyOf(EncryptionMaterials m) {
    return m.encryptedDataKeys().get(0);
  }

  @Test
  void secondRequestReusesTheDataKeyAsAnIndependentCopy() {
    CachingMaterialsManager mm = cache().build();
    EncryptionMaterials first = mm.getEncryptionMaterials(request(10));
    EncryptionMaterials second = mm.getEncryptionMaterials(request(10));

    assertThat(keyring.calls()).isEqualTo(1);
    assertThat(keyOf(second)).isEqualTo(keyOf(first));
    assertThat(second.dataKey()).isNotSameAs(first.dataKey());
    assertThat(second.dataKey().bytes())
        .isEqualTo(first.dataKey().bytes())
        .isNotSameAs(first.dataKey().bytes());
    assertThat(first.dataKey()).isNotSameAs(keyring.produced.get(0));

    first.close(); // the caller's copy: the cached key must survive it
    assertThat(keyring.isZeroed(0)).isFalse();
    try (EncryptionMaterials third = mm.getEncryptionMaterials(request(10))) {
      assertThat(third.dataKey().bytes()).isEqualTo(second.dataKey().bytes());
    }
    assertThat(keyring.calls()).isEqualTo(1);
  }

  @Test
  void differentContextsOrSuitesGetDifferentKeys() {
    CachingMaterialsManager mm = cache().build();
    EncryptionMaterials a = mm.getEncryptionMaterials(request(Map.of("tenant", "a"), 1));
    EncryptionMaterials b = mm.getEncryptionMaterials(request(Map.of("tenant", "b"), 1));
    EncryptionMaterials none = mm.getEncryptionMaterials(request(Map.of(), 1));
    EncryptionMaterials a2 = mm.getEncryptionMaterials(request(Map.of("tenant", "a"), 1));
    assertThat(keyring.calls()).isEqualTo(3);
    assertThat(keyOf(a2)).isEqualTo(keyOf(a));
    assertThat(List.of(keyOf(a), keyOf(b), keyOf(none))).doesNotHaveDuplicates();
  }

  @Test
  void maxMessagesLimitsUsesPerDataKey() {
    CachingMaterialsManager mm = cache().maxMessages(3).build();
    List<EncryptedDataKey> used = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
        used.add(keyOf(m));
      }
    }
    assertThat(keyring.calls()).isEqualTo(4);
    for (EncryptedDataKey k : used) {
      assertThat(Collections.frequency(used, k)).isLessThanOrEqualTo(3);
    }
    assertThat(used.subList(0, 3)).containsOnly(used.get(0));
    assertThat(used.get(3)).isNotEqualTo(used.get(0));
  }

  @Test
  void maxBytesLimitsPlaintextPerDataKey() {
    CachingMaterialsManager mm = cache().maxBytes(100).build();
    List<EncryptedDataKey> used = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      try (EncryptionMaterials m = mm.getEncryptionMaterials(request(40))) {
        used.add(keyOf(m));
      }
    }
    // 40 + 40 fit in 100; a third 40 would cross the bound, so each key serves two messages.
    assertThat(keyring.calls()).isEqualTo(4);
    assertThat(used.get(1)).isEqualTo(used.get(0));
    assertThat(used.get(2)).isNotEqualTo(used.get(1));
  }

  @Test
  void requestThatWouldCrossMaxBytesRetiresTheKeyAndZeroesIt() {
    CachingMaterialsManager mm = cache().maxBytes(100).build();
    mm.getEncryptionMaterials(request(60)).close();
    mm.getEncryptionMaterials(request(50)).close(); // 110 > 100: new key
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(keyring.isZeroed(1)).isFalse();
    mm.getEncryptionMaterials(request(50)).close(); // exactly 100: last use, retired at once
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyring.isZeroed(1)).isTrue();
  }

  @Test
  void unknownLengthBypassesTheCache() {
    CachingMaterialsManager mm = cache().build();
    EncryptionRequest stream = new EncryptionRequest(CONTEXT, SUITE, OptionalLong.empty());
    EncryptionMaterials a = mm.getEncryptionMaterials(stream);
    EncryptionMaterials b = mm.getEncryptionMaterials(stream);
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyOf(a)).isNotEqualTo(keyOf(b));
    assertThat(a.dataKey()).isSameAs(keyring.produced.get(0)); // not cached, so not copied
    assertThat(mm.estimatedSize()).isZero();
    // A cached request afterwards still makes its own entry.
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(3);
  }

  @Test
  void requestLargerThanMaxBytesBypassesTheCache() {
    CachingMaterialsManager mm = cache().maxBytes(1000).build();
    mm.getEncryptionMaterials(request(1001)).close();
    mm.getEncryptionMaterials(request(1001)).close();
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(mm.estimatedSize()).isZero();
    mm.getEncryptionMaterials(request(1000)).close();
    assertThat(keyring.calls()).isEqualTo(3);
  }

  @Test
  void exhaustedEntryZeroesItsKeyButNotTheCallersCopies() {
    CachingMaterialsManager mm = cache().maxMessages(2).build();
    EncryptionMaterials first = mm.getEncryptionMaterials(request(1));
    EncryptionMaterials second = mm.getEncryptionMaterials(request(1));
    byte[] expected = first.dataKey().bytes().clone();

    assertThat(keyring.produced).hasSize(1);
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(expected).isNotEqualTo(new byte[expected.length]);
    assertThat(first.dataKey().bytes()).isEqualTo(expected);
    assertThat(second.dataKey().bytes()).isEqualTo(expected);
    first.close();
    second.close();
    assertThat(mm.estimatedSize()).isZero();
  }

  @Test
  void expiredEntryIsNotUsedAndIsZeroed() {
    CachingMaterialsManager mm = cache().maxAge(Duration.ofSeconds(10)).build();
    mm.getEncryptionMaterials(request(1)).close();
    ticker.advance(Duration.ofSeconds(9));
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(1)); // exactly maxAge: no longer usable
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(keyring.isZeroed(1)).isFalse();
  }

  @Test
  void expiryWithoutTrafficZeroesTheKey() {
    CachingMaterialsManager mm = cache().maxAge(Duration.ofSeconds(10)).build();
    mm.getEncryptionMaterials(request(1)).close();
    ticker.advance(Duration.ofSeconds(11));
    mm.cleanUp();
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(mm.estimatedSize()).isZero();
  }

  @Test
  void ageIsCheckedAtUseTimeAgainstTheRequestersOwnBound() {
    // Both managers share a partition and a cache; the entry was made by the one with the long
    // maxAge, so
    // Caffeine keeps it, but the short-lived manager must not use it past its own bound.
    CachingMaterialsManager.SharedCache shared =
        CachingMaterialsManager.SharedCache.withCapacity(10, ticker);
    CachingMaterialsManager longLived =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofHours(1))
            .sharedCache(shared)
            .partition("p")
            .build();
    CachingMaterialsManager shortLived =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("p")
            .build();
    longLived.getEncryptionMaterials(request(1)).close();
    shortLived.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(1);
    ticker.advance(Duration.ofMinutes(2));
    shortLived.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyring.isZeroed(0)).isTrue();
  }

  @Test
  void sizeEvictionZeroesTheEvictedKey() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachingMaterialsManager mm = cache().capacity(1).meterRegistry(registry).partition("p").build();
    mm.getEncryptionMaterials(request(Map.of("n", "1"), 1)).close();
    mm.getEncryptionMaterials(request(Map.of("n", "2"), 1)).close();
    mm.cleanUp();
    assertThat(mm.estimatedSize()).isEqualTo(1);
    assertThat(keyring.isZeroed(0) ^ keyring.isZeroed(1))
        .as("exactly one of the two keys evicted")
        .isTrue();
    assertThat(registry.get("envelope.cache.evictions").tag("cause", "size").counter().count())
        .isEqualTo(1);
  }

  @Test
  void invalidateAllZeroesThisPartitionOnly() {
    CachingMaterialsManager.SharedCache shared =
        CachingMaterialsManager.SharedCache.withCapacity(10, ticker);
    RecordingKeyring other = new RecordingKeyring();
    CachingMaterialsManager a =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("a")
            .build();
    CachingMaterialsManager b =
        CachingMaterialsManager.builder()
            .keyring(other)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("b")
            .build();
    a.getEncryptionMaterials(request(1)).close();
    b.getEncryptionMaterials(request(1)).close();
    a.invalidateAll();
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(other.isZeroed(0)).isFalse();
    assertThat(shared.estimatedSize()).isEqualTo(1);
    b.getEncryptionMaterials(request(1)).close();
    assertThat(other.calls()).isEqualTo(1);
  }

  @Test
  void partitionsSharingACacheNeverShareKeys() {
    CachingMaterialsManager.SharedCache shared =
        CachingMaterialsManager.SharedCache.withCapacity(10);
    CachingMaterialsManager a =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("a")
            .build();
    CachingMaterialsManager b =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("b")
            .build();
    EncryptionMaterials fromA = a.getEncryptionMaterials(request(1));
    EncryptionMaterials fromB = b.getEncryptionMaterials(request(1));
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyOf(fromA)).isNotEqualTo(keyOf(fromB));
    assertThat(keyOf(a.getEncryptionMaterials(request(1)))).isEqualTo(keyOf(fromA));
    assertThat(keyOf(b.getEncryptionMaterials(request(1)))).isEqualTo(keyOf(fromB));
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(shared.estimatedSize()).isEqualTo(2);

    // Same partition on purpose: shared.
    CachingMaterialsManager a2 =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .partition("a")
            .build();
    assertThat(keyOf(a2.getEncryptionMaterials(request(1)))).isEqualTo(keyOf(fromA));
    assertThat(keyring.calls()).isEqualTo(2);
  }

  @Test
  void defaultPartitionsAreDistinct() {
    CachingMaterialsManager.SharedCache shared =
        CachingMaterialsManager.SharedCache.withCapacity(10);
    CachingMaterialsManager a =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .build();
    CachingMaterialsManager b =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .sharedCache(shared)
            .build();
    assertThat(a.partition()).isNotEqualTo(b.partition());
    a.getEncryptionMaterials(request(1)).close();
    b.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(2);
  }

  @Test
  void decryptionIsCachedByEncryptedDataKeysSuiteAndContext() {
    DefaultMaterialsManager plain = new DefaultMaterialsManager(keyring);
    EncryptionMaterials e1 = plain.getEncryptionMaterials(request(1));
    EncryptionMaterials e2 = plain.getEncryptionMaterials(request(1));
    int encryptCalls = keyring.calls();
    CachingMaterialsManager mm = cache().build();

    DecryptionRequest r1 =
        new DecryptionRequest(SUITE, e1.encryptedDataKeys(), e1.encryptionContext());
    DecryptionMaterials d1 = mm.decryptMaterials(r1);
    DecryptionMaterials d1again = mm.decryptMaterials(r1);
    assertThat(keyring.decryptCalls.get()).isEqualTo(1);
    assertThat(d1.dataKey().bytes()).isEqualTo(e1.dataKey().bytes());
    assertThat(d1again.dataKey().bytes()).isEqualTo(e1.dataKey().bytes());
    assertThat(d1again.dataKey()).isNotSameAs(d1.dataKey());

    // Other encrypted data keys: a miss.
    mm.decryptMaterials(
            new DecryptionRequest(SUITE, e2.encryptedDataKeys(), e2.encryptionContext()))
        .close();
    assertThat(keyring.decryptCalls.get()).isEqualTo(2);

    // The same keys in another order: the same entry.
    List<EncryptedDataKey> both =
        List.of(e1.encryptedDataKeys().get(0), e2.encryptedDataKeys().get(0));
    List<EncryptedDataKey> reversed = List.of(both.get(1), both.get(0));
    mm.decryptMaterials(new DecryptionRequest(SUITE, both, CONTEXT)).close();
    mm.decryptMaterials(new DecryptionRequest(SUITE, reversed, CONTEXT)).close();
    assertThat(keyring.decryptCalls.get()).isEqualTo(3);

    // Another context: a miss (and the keyring refuses, since the context is the wrapping AAD).
    assertThatThrownBy(
            () ->
                mm.decryptMaterials(
                    new DecryptionRequest(
                        SUITE, e1.encryptedDataKeys(), Map.of("tenant", "other"))))
        .isInstanceOf(RuntimeException.class);
    assertThat(keyring.decryptCalls.get()).isEqualTo(4);
    assertThat(encryptCalls).isEqualTo(2);

    // Encryption entries and decryption entries never meet.
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.encryptCalls.get()).isEqualTo(3);
  }

  @Test
  void decryptionEntriesExpireAndZero() {
    EncryptionMaterials e = new DefaultMaterialsManager(keyring).getEncryptionMaterials(request(1));
    CachingMaterialsManager mm = cache().maxAge(Duration.ofSeconds(5)).maxMessages(1).build();
    DecryptionRequest r =
        new DecryptionRequest(SUITE, e.encryptedDataKeys(), e.encryptionContext());
    for (int i = 0; i < 3; i++) {
      mm.decryptMaterials(r).close(); // maxMessages does not apply to decryption
    }
    assertThat(keyring.decryptCalls.get()).isEqualTo(1);
    int cached = keyring.produced.size() - 1;
    ticker.advance(Duration.ofSeconds(5));
    mm.decryptMaterials(r).close();
    assertThat(keyring.decryptCalls.get()).isEqualTo(2);
    assertThat(keyring.isZeroed(cached)).isTrue();
  }

  @Test
  void signedSuitesAreCachedWithTheirSigningKey() {
    AlgorithmSuite signed = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    CachingMaterialsManager mm = cache().build();
    EncryptionRequest r = new EncryptionRequest(CONTEXT, signed, OptionalLong.of(10));
    EncryptionMaterials a = mm.getEncryptionMaterials(r);
    EncryptionMaterials b = mm.getEncryptionMaterials(r);
    assertThat(keyring.calls()).isEqualTo(1);
    assertThat(b.signingKey()).isNotNull().isSameAs(a.signingKey());
    assertThat(b.encryptionContext())
        .isEqualTo(a.encryptionContext())
        .containsKey("aws-crypto-public-key");
    // Unsigned requests for the same context use their own entry.
    mm.getEncryptionMaterials(request(10)).close();
    assertThat(keyring.calls()).isEqualTo(2);
  }

  @Test
  void metricsCountHitsMissesCallsAndEvictionsByCause() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachingMaterialsManager mm =
        cache()
            .maxMessages(3)
            .maxAge(Duration.ofSeconds(10))
            .meterRegistry(registry)
            .partition("orders")
            .build();
    for (int i = 0; i < 7; i++) { // keys: 3 + 3 + 1 uses
      mm.getEncryptionMaterials(request(1)).close();
    }
    mm.getEncryptionMaterials(new EncryptionRequest(CONTEXT, SUITE, OptionalLong.empty()))
        .close(); // bypass
    ticker.advance(Duration.ofSeconds(10));
    mm.getEncryptionMaterials(request(Map.of("k", "v"), 1))
        .close(); // miss; the old entry is swept as expired
    mm.cleanUp();
    mm.invalidateAll();

    assertThat(count(registry, "envelope.cache.hits")).isEqualTo(4);
    assertThat(count(registry, "envelope.cache.misses")).isEqualTo(4);
    assertThat(count(registry, "envelope.cache.underlying.calls")).isEqualTo(5);
    assertThat(keyring.calls()).isEqualTo(5);
    assertThat(eviction(registry, "exhausted")).isEqualTo(2);
    assertThat(eviction(registry, "expired")).isEqualTo(1);
    assertThat(eviction(registry, "explicit")).isEqualTo(1);
    assertThat(eviction(registry, "size")).isZero();
    assertThat(registry.get("envelope.cache.hits").counter().getId().getTag("partition"))
        .isEqualTo("orders");
  }

  static double count(SimpleMeterRegistry registry, String name) {
    return registry.get(name).tag("partition", "orders").counter().count();
  }

  static double eviction(SimpleMeterRegistry registry, String cause) {
    return registry
        .get("envelope.cache.evictions")
        .tag("partition", "orders")
        .tag("cause", cause)
        .counter()
        .count();
  }

  @Test
  void refreshAheadReplacesANearlySpentKeyInTheBackground() {
    List<Runnable> tasks = new ArrayList<>();
    Executor queue = tasks::add;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachingMaterialsManager mm =
        cache()
            .maxMessages(10)
            .refreshAhead(true)
            .refreshExecutor(queue)
            .meterRegistry(registry)
            .partition("orders")
            .build();
    List<EncryptedDataKey> used = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
        used.add(keyOf(m));
      }
    }
    assertThat(tasks).isEmpty();
    mm.getEncryptionMaterials(request(1)).close(); // 9 of 10: refresh
    mm.getEncryptionMaterials(request(1)).close(); // 10 of 10: no second refresh for the same entry
    assertThat(tasks).hasSize(1);
    assertThat(keyring.calls()).isEqualTo(1);

    // The tenth use spent the old key; the refresh (run now, as a pool would have) installs the
    // next one.
    tasks.get(0).run();
    assertThat(keyring.calls()).isEqualTo(2);
    try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
      assertThat(keyOf(m)).isNotEqualTo(used.get(0));
    }
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(keyring.isZeroed(0)).isTrue();
    assertThat(count(registry, "envelope.cache.underlying.calls")).isEqualTo(2);
  }

  @Test
  void refreshAheadOnAgeReplacesTheEntryBeforeItExpires() {
    List<Runnable> tasks = new ArrayList<>();
    CachingMaterialsManager mm =
        cache()
            .maxAge(Duration.ofSeconds(100))
            .refreshAhead(true)
            .refreshExecutor(tasks::add)
            .build();
    EncryptedDataKey first;
    try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
      first = keyOf(m);
    }
    ticker.advance(Duration.ofSeconds(91));
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(tasks).hasSize(1);
    tasks.get(0).run();
    assertThat(keyring.isZeroed(0)).isTrue(); // replaced: nobody needs the old key
    ticker.advance(Duration.ofSeconds(50)); // the old key would have expired; the new one has not
    try (EncryptionMaterials m = mm.getEncryptionMaterials(request(1))) {
      assertThat(keyOf(m)).isNotEqualTo(first);
    }
    assertThat(keyring.calls()).isEqualTo(2);
  }

  @Test
  void refreshIsOffByDefault() {
    CachingMaterialsManager mm = cache().maxMessages(10).build();
    for (int i = 0; i < 25; i++) {
      mm.getEncryptionMaterials(request(1)).close();
    }
    assertThat(keyring.calls()).isEqualTo(3);
  }

  @Test
  void providerFailureIsNotCached() {
    CachingMaterialsManager mm = cache().build();
    keyring.failingWith(new KeyProviderException("throttled"));
    assertThatThrownBy(() -> mm.getEncryptionMaterials(request(1)))
        .isInstanceOf(KeyProviderException.class);
    keyring.failingWith(null);
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(2);
    assertThat(mm.estimatedSize()).isEqualTo(1);
  }

  @Test
  void builderRefusesIncompleteOrInvalidSettings() {
    assertThatThrownBy(() -> CachingMaterialsManager.builder().keyring(keyring).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxAge");
    assertThatThrownBy(
            () -> CachingMaterialsManager.builder().maxAge(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .materialsManager(new DefaultMaterialsManager(keyring))
                    .maxAge(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CachingMaterialsManager.builder().maxAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachingMaterialsManager.builder().maxMessages(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachingMaterialsManager.builder().maxMessages((1L << 32) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachingMaterialsManager.builder().maxBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachingMaterialsManager.builder().capacity(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                CachingMaterialsManager.builder()
                    .keyring(keyring)
                    .maxAge(Duration.ofSeconds(1))
                    .capacity(5)
                    .sharedCache(CachingMaterialsManager.SharedCache.withCapacity(5))
                    .build())
        .isInstanceOf(IllegalStateException.class);

    CachingMaterialsManager mm =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofDays(1_000_000))
            .build(); // beyond what nanoseconds hold: saturates
    assertThat(mm.maxMessages()).isEqualTo(1L << 32);
    assertThat(mm.maxBytes()).isEqualTo(Long.MAX_VALUE);
    mm.getEncryptionMaterials(request(1)).close();
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.calls()).isEqualTo(1);
  }

  @Test
  void anIdleCacheZeroesAnExpiredKeyWithoutBeingCalledAgain() throws InterruptedException {
    CachingMaterialsManager mm =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMillis(100))
            .build(); // the real clock: expiry must come from a timer
    mm.getEncryptionMaterials(request(1)).close();
    assertThat(keyring.isZeroed(0)).isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!keyring.isZeroed(0) && System.nanoTime() < deadline) {
      Thread.sleep(25); // no call to the cache meanwhile
    }
    assertThat(keyring.isZeroed(0))
        .as("expired key zeroed with no further use of the cache")
        .isTrue();
  }

  @Test
  void decryptionMaterialsOfSuitesWithoutKeyDerivationAreNeverCached() {
    for (AlgorithmSuite noKdf :
        List.of(
            AlgorithmSuite.AES_128_GCM_NO_KDF,
            AlgorithmSuite.AES_192_GCM_NO_KDF,
            AlgorithmSuite.AES_256_GCM_NO_KDF)) {
      EncryptionMaterials written = keyring.onEncrypt(EncryptionMaterials.of(noKdf, CONTEXT, null));
      CachingMaterialsManager mm = cache().build();
      DecryptionRequest r = new DecryptionRequest(noKdf, written.encryptedDataKeys(), CONTEXT);
      int before = keyring.decryptCalls.get();
      try (DecryptionMaterials first = mm.decryptMaterials(r);
          DecryptionMaterials second = mm.decryptMaterials(r)) {
        assertThat(second.dataKey().bytes())
            .isEqualTo(first.dataKey().bytes())
            .isEqualTo(written.dataKey().bytes());
      }
      assertThat(keyring.decryptCalls.get() - before).as(noKdf.toString()).isEqualTo(2);
      assertThat(mm.estimatedSize()).isZero();
      written.close();
    }
    // A suite with a KDF still is.
    EncryptionMaterials hkdf =
        keyring.onEncrypt(
            EncryptionMaterials.of(AlgorithmSuite.AES_256_GCM_HKDF_SHA256, CONTEXT, null));
    CachingMaterialsManager mm = cache().build();
    DecryptionRequest r =
        new DecryptionRequest(
            AlgorithmSuite.AES_256_GCM_HKDF_SHA256, hkdf.encryptedDataKeys(), CONTEXT);
    int before = keyring.decryptCalls.get();
    mm.decryptMaterials(r).close();
    mm.decryptMaterials(r).close();
    assertThat(keyring.decryptCalls.get() - before).isEqualTo(1);
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    CachingMaterialsManager mm = cache().partition("p").build();
    EncryptionMaterials m = mm.getEncryptionMaterials(request(1));
    String hex = java.util.HexFormat.of().formatHex(m.dataKey().bytes());
    assertThat(mm.toString()).contains("partition=p").doesNotContain(hex);
    assertThat(m.toString()).doesNotContain(hex);
  }
}

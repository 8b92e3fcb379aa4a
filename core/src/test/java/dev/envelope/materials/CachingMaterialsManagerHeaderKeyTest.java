package dev.envelope.materials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.EncryptionContextCodec;
import dev.envelope.internal.format.HeaderDataKeys;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.TestHeaders;
import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Decryption entries keyed on the header bytes of the context and encrypted data keys: equal bytes
 * share an entry, anything else never does, and colliding hashes change nothing.
 */
class CachingMaterialsManagerHeaderKeyTest {
  static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final DecryptionLimits LIMITS = new DecryptionLimits(10, 64 * 1024, 1 << 20);
  static final EncryptedDataKey A = edk(1);
  static final EncryptedDataKey B = edk(2);

  final ContextKeyring keyring = new ContextKeyring();
  final CachingMaterialsManager mm =
      CachingMaterialsManager.builder()
          .keyring(keyring)
          .maxAge(Duration.ofMinutes(5))
          .capacity(1000)
          .build();
  private int messageIds;

  static EncryptedDataKey edk(int fill) {
    byte[] ciphertext = new byte[40];
    Arrays.fill(ciphertext, (byte) fill);
    return new EncryptedDataKey("test", "key".getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  /** A request as Envelope makes it from a parsed header, each header with a new message id. */
  DecryptionRequest fromHeader(Map<String, String> context, List<EncryptedDataKey> edks) {
    byte[] header =
        TestHeaders.v2(SUITE, EncryptionContextCodec.serialize(context), edks, ++messageIds);
    MessageHeader parsed = MessageHeader.parse(header, 0, header.length, LIMITS);
    return new DecryptionRequest(
        parsed.suite(), parsed.encryptedDataKeys(), parsed.encryptionContext());
  }

  /** Takes materials for {@code request} and checks they are the ones for its own context. */
  void servesItsOwn(DecryptionRequest request) {
    try (DecryptionMaterials m = mm.decryptMaterials(request)) {
      assertThat(m.encryptionContext()).isEqualTo(request.encryptionContext());
      assertThat(m.suite()).isEqualTo(request.suite());
      assertThat(m.dataKey().bytes())
          .isEqualTo(ContextKeyring.keyFor(request.encryptionContext(), request.suite()));
    }
  }

  @Test
  void headerRequestsAreKeyedOnTheirBytes() {
    DecryptionRequest r = fromHeader(Map.of("tenant", "acme"), List.of(A));
    assertThat(r.encryptedDataKeys()).isInstanceOf(HeaderDataKeys.class);
    assertThat(CachingMaterialsManager.CacheKey.forDecryption("p", r))
        .isInstanceOf(CachingMaterialsManager.HeaderKey.class);
    // With a context that is not the one read with the keys, the request holds copies of both.
    DecryptionRequest copied =
        new DecryptionRequest(SUITE, r.encryptedDataKeys(), Map.of("tenant", "acme"));
    assertThat(copied.encryptedDataKeys()).isNotInstanceOf(HeaderDataKeys.class);
    assertThat(CachingMaterialsManager.CacheKey.forDecryption("p", copied))
        .isInstanceOf(CachingMaterialsManager.ValueKey.class);
  }

  @Test
  void equalBytesShareAnEntryAndEachCallerGetsItsOwnCopy() {
    DecryptionRequest first = fromHeader(Map.of("tenant", "acme"), List.of(A));
    fromHeader(Map.of("other", "header"), List.of(B)); // so the next parse is not reused
    DecryptionRequest second = fromHeader(Map.of("tenant", "acme"), List.of(A));
    assertThat(second.encryptedDataKeys()).isNotSameAs(first.encryptedDataKeys());
    try (DecryptionMaterials one = mm.decryptMaterials(first);
        DecryptionMaterials two = mm.decryptMaterials(second)) {
      assertThat(keyring.calls.get()).isEqualTo(1);
      assertThat(two.dataKey()).isNotSameAs(one.dataKey());
      assertThat(two.dataKey().bytes()).isEqualTo(one.dataKey().bytes());
      one.close();
      assertThat(two.dataKey().isDestroyed()).isFalse();
    }
    servesItsOwn(second);
    assertThat(keyring.calls.get()).isEqualTo(1);
  }

  @Test
  void otherContextsKeysOrSuitesNeverShareAnEntry() {
    DecryptionRequest base = fromHeader(Map.of("tenant", "acme"), List.of(A));
    DecryptionRequest otherValue = fromHeader(Map.of("tenant", "acmf"), List.of(A));
    DecryptionRequest otherPair = fromHeader(Map.of("tenant", "acme", "x", "y"), List.of(A));
    DecryptionRequest noContext = fromHeader(Map.of(), List.of(A));
    DecryptionRequest otherKey = fromHeader(Map.of("tenant", "acme"), List.of(B));
    DecryptionRequest moreKeys = fromHeader(Map.of("tenant", "acme"), List.of(A, B));
    DecryptionRequest otherSuite =
        new DecryptionRequest(
            AlgorithmSuite.AES_256_GCM_HKDF_SHA256,
            base.encryptedDataKeys(),
            base.encryptionContext());
    List<DecryptionRequest> all =
        List.of(base, otherValue, otherPair, noContext, otherKey, moreKeys, otherSuite);
    for (DecryptionRequest r : all) {
      servesItsOwn(r);
    }
    assertThat(keyring.calls.get()).isEqualTo(all.size());
    for (DecryptionRequest r : all) {
      servesItsOwn(r);
    }
    assertThat(keyring.calls.get()).isEqualTo(all.size());
  }

  @Test
  void managersInOtherPartitionsDoNotShare() {
    CachingMaterialsManager.SharedCache shared =
        CachingMaterialsManager.SharedCache.withCapacity(10);
    DecryptionRequest r = fromHeader(Map.of("tenant", "acme"), List.of(A));
    for (String partition : List.of("a", "b", "a")) {
      CachingMaterialsManager.builder()
          .keyring(keyring)
          .maxAge(Duration.ofMinutes(5))
          .sharedCache(shared)
          .partition(partition)
          .build()
          .decryptMaterials(r)
          .close();
    }
    assertThat(keyring.calls.get()).isEqualTo(2);
  }

  @Test
  void theOrderOfEncryptedDataKeysDoesNotMatter() {
    servesItsOwn(fromHeader(Map.of("tenant", "acme"), List.of(A, B)));
    servesItsOwn(fromHeader(Map.of("tenant", "acme"), List.of(B, A)));
    assertThat(keyring.calls.get()).isEqualTo(1);
  }

  @Test
  void reproducedPairsTheHeaderDoesNotStoreGetAValueKey() {
    DecryptionRequest r = fromHeader(Map.of("tenant", "acme"), List.of(A));
    DecryptionRequest withExtra =
        new DecryptionRequest(
            r.suite(),
            r.encryptedDataKeys(),
            r.encryptionContext(),
            Map.of("tenant", "acme", "secret", "s"));
    DecryptionRequest repeatingStored =
        new DecryptionRequest(
            r.suite(), r.encryptedDataKeys(), r.encryptionContext(), Map.of("tenant", "acme"));
    assertThat(CachingMaterialsManager.CacheKey.forDecryption("p", withExtra))
        .isInstanceOf(CachingMaterialsManager.ValueKey.class);
    // Repeating a stored pair keeps the header key, but materials checked against a reproduced
    // context (a required-context manager below the cache) serve only requests that reproduced the
    // same keys.
    assertThat(CachingMaterialsManager.CacheKey.forDecryption("p", repeatingStored))
        .isInstanceOf(CachingMaterialsManager.HeaderKey.class)
        .isNotEqualTo(CachingMaterialsManager.CacheKey.forDecryption("p", r))
        .isEqualTo(CachingMaterialsManager.CacheKey.forDecryption("p", repeatingStored));
    try (DecryptionMaterials m = mm.decryptMaterials(withExtra)) {
      assertThat(m.requiredEncryptionContextKeys()).containsExactly("secret");
    }
    try (DecryptionMaterials m = mm.decryptMaterials(r)) {
      assertThat(m.requiredEncryptionContextKeys()).isEmpty();
    }
    assertThat(keyring.calls.get()).isEqualTo(2);
  }

  @Test
  void collidingHashesStayCorrect() {
    // Values built from "Aa" and "BB", which have the same 31-polynomial hash: the sections and the
    // cache keys of all 64 collide, as a writer choosing contexts could make them.
    List<DecryptionRequest> requests = new ArrayList<>();
    Set<Integer> hashes = new HashSet<>();
    for (int i = 0; i < 64; i++) {
      StringBuilder value = new StringBuilder();
      for (int bit = 0; bit < 6; bit++) {
        value.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      DecryptionRequest r = fromHeader(Map.of("tenant", value.toString()), List.of(A));
      requests.add(r);
      hashes.add(CachingMaterialsManager.CacheKey.forDecryption(mm.partition(), r).hashCode());
    }
    assertThat(hashes).hasSize(1);
    for (int i = 0; i < requests.size(); i++) {
      for (int j = 0; j < requests.size(); j++) {
        CachingMaterialsManager.HeaderKey a =
            (CachingMaterialsManager.HeaderKey)
                CachingMaterialsManager.CacheKey.forDecryption("p", requests.get(i));
        CachingMaterialsManager.HeaderKey b =
            (CachingMaterialsManager.HeaderKey)
                CachingMaterialsManager.CacheKey.forDecryption("p", requests.get(j));
        assertThat(a.equals(b)).isEqualTo(i == j);
        assertThat(a.compareTo(b) == 0).isEqualTo(i == j);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
      }
    }
    for (DecryptionRequest r : requests) {
      servesItsOwn(r);
    }
    assertThat(keyring.calls.get()).isEqualTo(64);
    for (DecryptionRequest r : requests) {
      servesItsOwn(r);
    }
    assertThat(keyring.calls.get()).isEqualTo(64);
  }

  /**
   * Decrypts any encrypted data key to a data key derived from the context and suite, so a test can
   * tell which request's materials it was served. Counts its calls.
   */
  static final class ContextKeyring implements Keyring {
    final AtomicInteger calls = new AtomicInteger();

    static byte[] keyFor(Map<String, String> context, AlgorithmSuite suite) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) (suite.id() >> 8));
        sha.update((byte) suite.id());
        return sha.digest(EncryptionContextCodec.serialize(context));
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      throw new UnsupportedOperationException("decryption only");
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
      calls.incrementAndGet();
      return materials.withDataKey(
          DataKey.wrap(keyFor(materials.encryptionContext(), materials.suite())));
    }
  }
}

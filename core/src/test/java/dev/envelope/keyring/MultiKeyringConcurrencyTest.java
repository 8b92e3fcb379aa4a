package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Wraps run together, in configured order; decryption can race keyrings with a bound. */
class MultiKeyringConcurrencyTest {
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  private static EncryptionMaterials fresh() {
    return EncryptionMaterials.of(SUITE, CONTEXT, null);
  }

  private static DecryptionMaterials toDecrypt() {
    return DecryptionMaterials.of(SUITE, CONTEXT, null);
  }

  @Test
  void childrenWrapConcurrentlyAndKeysStayInConfiguredOrder() {
    GatedAsyncKeyring gen = new GatedAsyncKeyring("gen", 1);
    GatedAsyncKeyring a = new GatedAsyncKeyring("a", 2);
    GatedAsyncKeyring b = new GatedAsyncKeyring("b", 3);
    MultiKeyring multi = MultiKeyring.of(gen, a, b);
    CompletableFuture<EncryptionMaterials> result = multi.onEncryptAsync(fresh());
    assertThat(a.started).hasValue(0); // nothing to wrap before the generator answers
    gen.releaseAll();
    assertThat(a.started).hasValue(1); // both wraps under way at once ...
    assertThat(b.started).hasValue(1);
    b.releaseAll(); // ... and finishing in the other order
    assertThat(result).isNotDone();
    a.releaseAll();
    try (EncryptionMaterials m = result.join()) {
      assertThat(m.encryptedDataKeys())
          .extracting(MultiKeyringConcurrencyTest::keyName)
          .containsExactly("gen", "a", "b");
    }
  }

  /** Raw AES provider info starts with the key name; these names are one to three letters. */
  private static String keyName(EncryptedDataKey edk) {
    String info = new String(edk.providerInfo(), java.nio.charset.StandardCharsets.ISO_8859_1);
    return info.startsWith("gen") ? "gen" : info.substring(0, 1);
  }

  @Test
  void theBlockingApiWrapsConcurrentlyToo() throws Exception {
    GatedAsyncKeyring a = new GatedAsyncKeyring("a", 2);
    GatedAsyncKeyring b = new GatedAsyncKeyring("b", 3);
    MultiKeyring multi = MultiKeyring.of(new GatedAsyncKeyring("gen", 1).ungated(), a, b);
    CompletableFuture<EncryptionMaterials> blocking =
        CompletableFuture.supplyAsync(() -> multi.onEncrypt(fresh()));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((a.waiting() < 1 || b.waiting() < 1) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(a.waiting())
        .isEqualTo(1); // the blocking call started both before waiting for either
    assertThat(b.waiting()).isEqualTo(1);
    b.releaseAll();
    a.releaseAll();
    try (EncryptionMaterials m = blocking.get()) {
      assertThat(m.encryptedDataKeys()).hasSize(3);
    }
  }

  @Test
  void everyFailedWrapIsReportedAndTheGeneratedKeyZeroed() {
    GatedAsyncKeyring gen = new GatedAsyncKeyring("gen", 1).ungated();
    KeyProviderException first = new KeyProviderException("a failed");
    KeyProviderException second = new KeyProviderException("c failed");
    MultiKeyring multi =
        MultiKeyring.of(
            gen,
            new GatedAsyncKeyring("a", 2).ungated().failingWith(first),
            new GatedAsyncKeyring("b", 3).ungated(),
            new GatedAsyncKeyring("c", 4).ungated().failingWith(second));
    assertThatThrownBy(() -> multi.onEncrypt(fresh()))
        .isSameAs(first)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
    assertThat(gen.isZeroed(0)).isTrue();
    assertThatThrownBy(() -> multi.onEncryptAsync(fresh()).join())
        .isInstanceOf(CompletionException.class)
        .hasCause(first);
    assertThat(gen.isZeroed(1)).isTrue();
  }

  @Test
  void cancellingDuringTheWrapsZeroesTheGeneratedKey() {
    GatedAsyncKeyring gen = new GatedAsyncKeyring("gen", 1);
    GatedAsyncKeyring a = new GatedAsyncKeyring("a", 2);
    CompletableFuture<EncryptionMaterials> result = MultiKeyring.of(gen, a).onEncryptAsync(fresh());
    gen.releaseAll();
    result.cancel(false);
    assertThat(a.returned.get(0).isCancelled()).isTrue();
    assertThat(gen.isZeroed(0)).isTrue();
  }

  @Test
  void concurrentDecryptTakesTheFirstSuccessCancelsTheRestAndZeroesLateKeys() {
    GatedAsyncKeyring a = new GatedAsyncKeyring("a", 2);
    GatedAsyncKeyring b = new GatedAsyncKeyring("b", 3);
    GatedAsyncKeyring c = new GatedAsyncKeyring("c", 4).ignoringCancel();
    MultiKeyring multi = MultiKeyring.withoutGenerator(a, b, c).withDecryptConcurrency(3);
    List<EncryptedDataKey> edks;
    try (EncryptionMaterials m =
        MultiKeyring.of(
                new GatedAsyncKeyring("x", 9).ungated(),
                new GatedAsyncKeyring("a", 2).ungated(),
                new GatedAsyncKeyring("b", 3).ungated(),
                new GatedAsyncKeyring("c", 4).ungated())
            .onEncrypt(fresh())) {
      edks = m.encryptedDataKeys();
    }
    CompletableFuture<DecryptionMaterials> result = multi.onDecryptAsync(toDecrypt(), edks);
    assertThat(List.of(a.started.get(), b.started.get(), c.started.get())).containsOnly(1);
    b.releaseAll(); // b answers first and wins
    try (DecryptionMaterials m = result.join()) {
      assertThat(m.hasDataKey()).isTrue();
    }
    assertThat(a.returned.get(0).isCancelled()).isTrue();
    c.releaseAll(); // c could not be cancelled: it recovers the key anyway ...
    assertThat(c.isZeroed(0)).isTrue(); // ... and that copy is zeroed at once
  }

  @Test
  void concurrentDecryptRespectsItsBoundAndReportsEveryFailure() {
    KeyProviderException down = new KeyProviderException("down");
    GatedAsyncKeyring a = new GatedAsyncKeyring("a", 2).failingWith(down);
    GatedAsyncKeyring b = new GatedAsyncKeyring("b", 3).failingWith(down);
    GatedAsyncKeyring c = new GatedAsyncKeyring("c", 4).failingWith(down);
    MultiKeyring multi = MultiKeyring.withoutGenerator(a, b, c).withDecryptConcurrency(2);
    CompletableFuture<DecryptionMaterials> result = multi.onDecryptAsync(toDecrypt(), List.of());
    assertThat(a.started).hasValue(1);
    assertThat(b.started).hasValue(1);
    assertThat(c.started).hasValue(0); // at most two at once
    a.releaseAll();
    assertThat(c.started).hasValue(1); // a's failure freed a slot
    b.releaseAll();
    c.releaseAll();
    assertThatThrownBy(result::join)
        .hasCauseInstanceOf(NoUsableDataKeyException.class)
        .satisfies(e -> assertThat(e.getCause().getSuppressed()).hasSize(3));
    // The blocking API takes the same path.
    GatedAsyncKeyring ok = new GatedAsyncKeyring("ok", 5).ungated();
    assertThat(
            MultiKeyring.withoutGenerator(ok)
                .withDecryptConcurrency(2)
                .onDecrypt(toDecrypt(), List.of()))
        .satisfies(m -> assertThat(m.hasDataKey()).isFalse());
  }
}

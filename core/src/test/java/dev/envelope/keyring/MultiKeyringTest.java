package dev.envelope.keyring;

import static dev.envelope.keyring.RawAesKeyringTest.CONTEXT;
import static dev.envelope.keyring.RawAesKeyringTest.fresh;
import static dev.envelope.keyring.RawAesKeyringTest.key;
import static dev.envelope.keyring.RawAesKeyringTest.keyring;
import static dev.envelope.keyring.RawAesKeyringTest.toDecrypt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The multi-keyring through the keyring SPI: who generates, who adds copies, who is asked to
 * decrypt.
 */
class MultiKeyringTest {
  final RawAesKeyring a = keyring("ns", "a", key(32, 1));
  final RawAesKeyring b = keyring("ns", "b", key(32, 2));
  final RawAesKeyring c = keyring("ns", "c", key(32, 3));
  final RawAesKeyring stranger = keyring("ns", "stranger", key(32, 4));

  /**
   * Delegates to a keyring (or fails), counting calls and keeping the data keys it saw on
   * encryption.
   */
  static final class Spy implements Keyring {
    final Keyring delegate;
    final RuntimeException failure;
    final AtomicInteger encryptCalls = new AtomicInteger();
    final AtomicInteger decryptCalls = new AtomicInteger();
    final List<DataKey> seen = new ArrayList<>();

    Spy(Keyring delegate, RuntimeException failure) {
      this.delegate = delegate;
      this.failure = failure;
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      encryptCalls.incrementAndGet();
      if (materials.hasDataKey()) {
        seen.add(materials.dataKey());
      }
      if (failure != null) {
        throw failure;
      }
      return delegate.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> edks) {
      decryptCalls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return delegate.onDecrypt(materials, edks);
    }
  }

  static Spy spy(Keyring delegate) {
    return new Spy(delegate, null);
  }

  static Spy failing(RuntimeException failure) {
    return new Spy(null, failure);
  }

  @Test
  void theGeneratorMakesTheKeyAndEveryOtherKeyringAddsACopyAnyOfThemDecrypts() {
    EncryptionMaterials m = MultiKeyring.of(a, b, c).onEncrypt(fresh(CONTEXT));
    assertThat(m.encryptedDataKeys())
        .extracting(EncryptedDataKey::providerInfo)
        .extracting(info -> new String(info, 0, 1, java.nio.charset.StandardCharsets.UTF_8))
        .containsExactly("a", "b", "c");
    for (RawAesKeyring one : List.of(a, b, c)) {
      DecryptionMaterials d = one.onDecrypt(toDecrypt(CONTEXT), m.encryptedDataKeys());
      assertThat(d.dataKey().bytes()).as("decrypted by %s", one).isEqualTo(m.dataKey().bytes());
    }
  }

  @Test
  void decryptionAsksInOrderAndStopsAtTheFirstKeyringThatRecoversTheKey() {
    EncryptionMaterials m = b.onEncrypt(fresh(CONTEXT));
    Spy first = spy(stranger);
    Spy second = spy(b);
    Spy third = spy(c);
    DecryptionMaterials d =
        MultiKeyring.of(first, second, third).onDecrypt(toDecrypt(CONTEXT), m.encryptedDataKeys());
    assertThat(d.dataKey().bytes()).isEqualTo(m.dataKey().bytes());
    assertThat(
            List.of(first.decryptCalls.get(), second.decryptCalls.get(), third.decryptCalls.get()))
        .containsExactly(1, 1, 0);
  }

  @Test
  void aFailingKeyProviderDoesNotHideAKeyringThatSucceeds() {
    EncryptionMaterials m = a.onEncrypt(fresh(CONTEXT));
    Spy down = failing(new KeyProviderException("throttled"));
    DecryptionMaterials d =
        MultiKeyring.of(down, a).onDecrypt(toDecrypt(CONTEXT), m.encryptedDataKeys());
    assertThat(d.dataKey().bytes()).isEqualTo(m.dataKey().bytes());
    assertThat(down.decryptCalls.get()).isEqualTo(1);
  }

  @Test
  void whenNoneSucceedsTheProvidersFailuresAreSuppressedUnderOneError() {
    EncryptionMaterials m = a.onEncrypt(fresh(CONTEXT));
    KeyProviderException throttled = new KeyProviderException("throttled");
    KeyProviderException denied = new KeyProviderException("access denied");
    MultiKeyring multi = MultiKeyring.of(failing(throttled), stranger, failing(denied));
    assertThatThrownBy(() -> multi.onDecrypt(toDecrypt(CONTEXT), m.encryptedDataKeys()))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("2 key provider(s) failed")
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(throttled, denied));
  }

  @Test
  void whenNoneRecognisesAKeyTheMaterialsComeBackUnchanged() {
    EncryptionMaterials m = a.onEncrypt(fresh(CONTEXT));
    DecryptionMaterials input = toDecrypt(CONTEXT);
    assertThat(MultiKeyring.of(stranger, b).onDecrypt(input, m.encryptedDataKeys()))
        .isSameAs(input);
  }

  @Test
  void aBugInAKeyringIsNotTakenForAProviderFailure() {
    EncryptionMaterials m = a.onEncrypt(fresh(CONTEXT));
    IllegalStateException bug = new IllegalStateException("bug");
    assertThatThrownBy(
            () ->
                MultiKeyring.of(failing(bug), a)
                    .onDecrypt(toDecrypt(CONTEXT), m.encryptedDataKeys()))
        .isSameAs(bug);
  }

  @Test
  void withoutAGeneratorItOnlyAddsCopiesOfAKeyAnotherKeyringGenerated() {
    assertThatThrownBy(() -> MultiKeyring.withoutGenerator(a).onEncrypt(fresh(CONTEXT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a data key");
    EncryptionMaterials generated = c.onEncrypt(fresh(CONTEXT));
    EncryptionMaterials m = MultiKeyring.withoutGenerator(a, b).onEncrypt(generated);
    assertThat(m.encryptedDataKeys()).hasSize(3);
    assertThat(m.dataKey().bytes()).isEqualTo(generated.dataKey().bytes());
  }

  @Test
  void aGeneratorNeverReplacesAnExistingKey() {
    EncryptionMaterials generated = c.onEncrypt(fresh(CONTEXT));
    assertThatThrownBy(() -> MultiKeyring.of(a).onEncrypt(generated))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must not replace");
  }

  @Test
  void whenAnotherKeyringFailsOnEncryptionTheGeneratedKeyIsZeroed() {
    Spy down = failing(new KeyProviderException("throttled"));
    assertThatThrownBy(() -> MultiKeyring.of(a, down).onEncrypt(fresh(CONTEXT)))
        .isInstanceOf(KeyProviderException.class);
    assertThat(down.seen).singleElement().satisfies(k -> assertThat(k.isDestroyed()).isTrue());
  }
}

package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Materials hold immutable copies of the caller's context and of their encrypted data keys: the
 * per-thread header template recognises the materials it wrote last by the identity of these two
 * objects, which is only sound while nobody can change them.
 */
class EncryptionMaterialsTest {
  @Test
  void contextAndDataKeysAreImmutableCopies() {
    Map<String, String> callers = new HashMap<>(Map.of("tenant", "acme"));
    EncryptionMaterials materials =
        EncryptionMaterials.of(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, callers, null);
    callers.put("tenant", "acmf");
    assertThat(materials.encryptionContext()).isEqualTo(Map.of("tenant", "acme"));
    assertThatThrownBy(() -> materials.encryptionContext().put("tenant", "x"))
        .isInstanceOf(UnsupportedOperationException.class);

    EncryptedDataKey first = new EncryptedDataKey("ns", new byte[] {1}, new byte[] {2});
    EncryptionMaterials wrapped = materials.withGeneratedDataKey(DataKey.wrap(new byte[32]), first);
    EncryptionMaterials twice =
        wrapped.withEncryptedDataKey(new EncryptedDataKey("ns", new byte[] {3}, new byte[] {4}));
    assertThat(twice.encryptionContext()).isSameAs(materials.encryptionContext());
    assertThat(wrapped.encryptedDataKeys()).containsExactly(first);
    assertThatThrownBy(() -> twice.encryptedDataKeys().add(first))
        .isInstanceOf(UnsupportedOperationException.class);
    List<EncryptedDataKey> copy = new ArrayList<>(twice.encryptedDataKeys());
    assertThat(copy).hasSize(2);
    twice.close();
  }
}

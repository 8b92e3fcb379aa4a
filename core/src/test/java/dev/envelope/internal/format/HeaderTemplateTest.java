package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.keyring.EncryptedDataKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header body template: what it reuses, and that every body it returns is the right one. */
class HeaderTemplateTest {
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  @Test
  void theSameMaterialsGetTheSameBody() {
    Map<String, String> context = Map.of("tenant", "acme");
    List<EncryptedDataKey> keys = List.of(edk("ns", "key-1", 1));

    byte[] first = HeaderTemplate.body(SUITE, context, keys, 4096);

    assertThat(HeaderTemplate.body(SUITE, context, keys, 4096)).isSameAs(first);
    assertThat(first).isEqualTo(reference(context, keys, 4096));
  }

  @Test
  void newDataKeysUnderTheSameContextGetABodyWithTheNewKeys() {
    Map<String, String> context = Map.of("tenant", "acme", "table", "orders", "é", "ü");
    List<EncryptedDataKey> first = List.of(edk("ns", "key-1", 1));
    List<EncryptedDataKey> second = List.of(edk("ns", "key-1", 2), edk("other", "k", 3));
    HeaderTemplate.body(SUITE, context, first, 4096);

    byte[] body = HeaderTemplate.body(SUITE, context, second, 4096);

    assertThat(body).isEqualTo(reference(context, second, 4096));
  }

  @Test
  void anotherContextOrFrameLengthGetsItsOwnBody() {
    List<EncryptedDataKey> keys = List.of(edk("ns", "key-1", 1));
    HeaderTemplate.body(SUITE, Map.of("a", "1"), keys, 4096);

    assertThat(HeaderTemplate.body(SUITE, Map.of("b", "22"), keys, 4096))
        .isEqualTo(reference(Map.of("b", "22"), keys, 4096));
    Map<String, String> context = Map.of("c", "3");
    HeaderTemplate.body(SUITE, context, keys, 4096);
    assertThat(HeaderTemplate.body(SUITE, context, keys, 1 << 20))
        .isEqualTo(reference(context, keys, 1 << 20));
  }

  @Test
  void anOverlongFieldIsRefusedWithItsName() {
    List<EncryptedDataKey> keys =
        List.of(new EncryptedDataKey("ns", new byte[70_000], new byte[48]));
    assertThatThrownBy(() -> HeaderTemplate.body(SUITE, Map.of("a", "1"), keys, 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider info");
  }

  private static EncryptedDataKey edk(String providerId, String info, int seed) {
    byte[] ciphertext = new byte[48];
    for (int i = 0; i < ciphertext.length; i++) {
      ciphertext[i] = (byte) (seed * 17 + i);
    }
    return new EncryptedDataKey(providerId, info.getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  /** The v2 body with a zero message id and commitment, written field by field. */
  private static byte[] reference(
      Map<String, String> context, List<EncryptedDataKey> keys, int frameLength) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(2);
      out.writeShort(SUITE.id());
      out.write(new byte[32]);
      byte[] aad = EncryptionContextCodec.serialize(context);
      out.writeShort(aad.length);
      out.write(aad);
      out.writeShort(keys.size());
      for (EncryptedDataKey k : keys) {
        byte[] id = k.providerId().getBytes(StandardCharsets.UTF_8);
        out.writeShort(id.length);
        out.write(id);
        out.writeShort(k.providerInfoLength());
        out.write(k.providerInfo());
        out.writeShort(k.ciphertextLength());
        out.write(k.ciphertext());
      }
      out.writeByte(2);
      out.writeInt(frameLength);
      out.write(new byte[32]);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

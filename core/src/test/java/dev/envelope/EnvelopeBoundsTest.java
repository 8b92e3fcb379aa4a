package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.internal.format.MessageForge;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Settings and inputs refused up front, with a clear error, before any key provider is called. */
class EnvelopeBoundsTest {
  private static final AlgorithmSuite SIGNED =
      AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;

  /** Counts calls to a raw AES keyring. */
  private static final class CountingKeyring implements Keyring {
    final AtomicInteger calls = new AtomicInteger();
    final Keyring delegate =
        RawAesKeyring.builder()
            .keyNamespace("ns")
            .keyName("bounds")
            .wrappingKey(new byte[32])
            .build();

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      calls.incrementAndGet();
      return delegate.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> edks) {
      calls.incrementAndGet();
      return delegate.onDecrypt(materials, edks);
    }
  }

  /**
   * A one-entry context whose serialization is exactly {@code length} bytes (2 + 4 + 1 + value).
   */
  private static Map<String, String> contextOfLength(int length) {
    return Map.of("k", "v".repeat(length - 7));
  }

  @Test
  void aContextTooLongForTheHeaderIsRefusedBeforeTheKeyProvider() {
    CountingKeyring keyring = new CountingKeyring();
    Envelope unsigned = Envelope.builder().keyring(keyring).build();
    Envelope signed = Envelope.builder().keyring(keyring).algorithmSuite(SIGNED).build();

    Map<String, String> tooLong = contextOfLength(0x7FFF + 1);
    assertThatThrownBy(() -> unsigned.encrypt(new byte[1], tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32768 bytes")
        .hasMessageContaining("at most 32767");
    assertThatThrownBy(() -> unsigned.encryptingStream(new ByteArrayOutputStream(), tooLong))
        .isInstanceOf(IllegalArgumentException.class);
    // Two fields of 20,000 bytes each: each one alone is fine, together they are not.
    Map<String, String> twoFields = Map.of("a", "x".repeat(20_000), "b", "y".repeat(20_000));
    assertThatThrownBy(() -> unsigned.encrypt(new byte[1], twoFields))
        .isInstanceOf(IllegalArgumentException.class);
    // Fits an unsigned header, but not with the signer's public key (2 + 21 + 2 + 68 bytes) added.
    Map<String, String> fitsOnlyUnsigned = contextOfLength(0x7FFF - 50);
    assertThatThrownBy(() -> signed.encrypt(new byte[1], fitsOnlyUnsigned))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public key");
    assertThat(keyring.calls.get()).isZero();

    // The longest contexts that fit do work, and read back.
    Map<String, String> longest = contextOfLength(0x7FFF);
    byte[] message = unsigned.encrypt(new byte[1], longest);
    assertThat(unsigned.decrypt(message, longest).encryptionContext()).isEqualTo(longest);
    Map<String, String> longestSigned = contextOfLength(0x7FFF - 93);
    byte[] signedMessage = signed.encrypt(new byte[1], longestSigned);
    assertThat(signed.decrypt(signedMessage, longestSigned).plaintext()).hasSize(1);
  }

  @Test
  void aMessageDeclaringFramesNear2To31DecryptsOneShotButNotAsAStream() throws Exception {
    MessageForge forge = new MessageForge();
    forge.frameLength = Integer.MAX_VALUE; // legal in the format: only a short final frame follows
    forge.plaintext = new byte[10];
    byte[] message = forge.build();
    Envelope envelope = Envelope.builder().keyring(MessageForge.KEYRING).build();
    assertThat(envelope.decrypt(message).plaintext()).hasSize(10);
    try (java.io.InputStream in =
        envelope.decryptingStream(new java.io.ByteArrayInputStream(message))) {
      assertThatThrownBy(in::read)
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("frame length");
    }
    // A regular frame that long cannot be in memory: refused, not overflowed.
    MessageForge regular = new MessageForge();
    regular.frameLength = Integer.MAX_VALUE - 20;
    regular.frames =
        List.of(MessageForge.regular(1, new byte[5]), MessageForge.fin(2, new byte[0]));
    assertThatThrownBy(() -> envelope.decrypt(regular.build()))
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void maxFrameSizeIsCappedWellBelowWhereAFrameLengthOverflows() {
    for (int tooLarge : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 20, (1 << 30) + 1}) {
      assertThatThrownBy(() -> Envelope.builder().maxFrameSize(tooLarge))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxFrameSize")
          .hasMessageContaining("1073741824");
    }
    assertThatThrownBy(() -> Envelope.builder().maxFrameSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    Envelope largest =
        Envelope.builder()
            .keyring(new CountingKeyring())
            .maxFrameSize(Envelope.MAX_STREAM_FRAME_SIZE)
            .build();
    assertThat(largest.decrypt(largest.encrypt(new byte[3], Map.of())).plaintext()).hasSize(3);
  }
}

package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.InvalidMessageException;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamHeaderTest {
  private static final RawAesKeyring ONE =
      RawAesKeyring.builder().keyNamespace("ns-1").keyName("k").wrappingKey(new byte[32]).build();
  private static final RawAesKeyring TWO =
      RawAesKeyring.builder().keyNamespace("ns-2").keyName("k").wrappingKey(new byte[16]).build();

  @Test
  void tellsSuiteContextFrameLengthAndProvidersBeforeThePlaintext() throws IOException {
    Envelope envelope =
        Envelope.builder()
            .keyring(MultiKeyring.of(ONE, TWO))
            .frameSize(512)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    byte[] message = envelope.encrypt(new byte[2000], Map.of("file", "a.csv"));
    try (DecryptingInputStream in = envelope.decryptingStream(new ByteArrayInputStream(message))) {
      StreamHeader header = in.header();
      assertThat(header.algorithmSuite())
          .isEqualTo(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);
      assertThat(header.encryptionContext())
          .containsEntry("file", "a.csv")
          .containsKey("aws-crypto-public-key");
      assertThat(header.frameLength()).isEqualTo(512);
      assertThat(header.providerIds()).containsExactly("ns-1", "ns-2");
      assertThat(header.encryptedDataKeyCount()).isEqualTo(2);
      assertThat(in.header()).isEqualTo(header);
      assertThat(in.readAllBytes()).hasSize(2000);
    }
  }

  @Test
  void isGivenOnlyForAnAuthenticatedHeader() {
    Envelope envelope = Envelope.builder().keyring(ONE).build();
    byte[] message = envelope.encrypt(new byte[10], Map.of("file", "a.csv"));
    // The last byte of the header's authentication tag: the body follows a 32-byte commitment and
    // the tag.
    int headerLength = message.length - (4 + 4 + 12 + 4 + 10 + 16);
    message[headerLength - 1] ^= 1;
    DecryptingInputStream in = envelope.decryptingStream(new ByteArrayInputStream(message));
    assertThatThrownBy(in::header)
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("header authentication failed");
  }
}

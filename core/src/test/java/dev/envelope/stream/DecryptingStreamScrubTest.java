package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.SignedStreamPolicy;
import dev.envelope.internal.crypto.CipherMemory;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a closed decrypting stream still holds. Looks at every array reachable from the stream, the
 * JDK's cipher included, so it runs in the {@code jdk-internals} surefire execution.
 */
class DecryptingStreamScrubTest {
  private static final Map<String, String> CONTEXT = Map.of("file", "f");
  private static final RawAesKeyring KEYRING;

  static {
    byte[] key = new byte[32];
    new Random(5).nextBytes(key);
    KEYRING = RawAesKeyring.builder().keyNamespace("ns").keyName("scrub").wrappingKey(key).build();
  }

  @Test
  void closeZeroesPlaintextHeldForTheSignatureWhenTheSourceFailedMidMessage() throws IOException {
    Envelope envelope =
        Envelope.builder()
            .keyring(KEYRING)
            .frameSize(64)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .signedStreamPolicy(SignedStreamPolicy.BUFFER_UNTIL_VERIFIED)
            .build();
    byte[] plaintext = new byte[64 * 20];
    new Random(6).nextBytes(plaintext);
    byte[] message = envelope.encrypt(plaintext, CONTEXT);
    // The source breaks after most frames were decrypted and held back, before the signature.
    InputStream breaking =
        new InputStream() {
          private final InputStream data =
              new ByteArrayInputStream(message, 0, message.length - 200);

          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = data.read(b, off, len);
            if (n < 0) {
              throw new IOException("connection reset");
            }
            return n;
          }
        };
    DecryptingInputStream in = envelope.decryptingStream(breaking, CONTEXT);
    assertThatThrownBy(() -> in.read(new byte[100])).isInstanceOf(IOException.class);
    byte[] firstFrame = Arrays.copyOf(plaintext, 64);
    assertThat(CipherMemory.copiesOf(firstFrame, in)).as("held before close").isNotEmpty();

    in.close();

    assertThat(CipherMemory.copiesOf(firstFrame, in)).isEmpty();
    assertThat(CipherMemory.copiesOf(Arrays.copyOfRange(plaintext, 64 * 10, 64 * 11), in))
        .isEmpty();
  }
}

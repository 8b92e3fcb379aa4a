package dev.envelope.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The message format v2 key-commitment vectors of the official ESDK for Java ({@code
 * commitment-test-vectors.json}): each gives the message, its plaintext data key and whether it
 * must decrypt. A keyring that hands out that data key stands in for the KMS or raw key that
 * wrapped it, so every vector runs, one-shot and streamed; the invalid ones carry a wrong
 * commitment and must be refused.
 */
class CommitmentVectorsTest {

  /** Returns the vector's known data key for any message. */
  private record StaticKeyring(byte[] dataKey) implements Keyring {
    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      throw new UnsupportedOperationException("decrypt only");
    }

    @Override
    public DecryptionMaterials onDecrypt(
        DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
      return materials.withDataKey(DataKey.copyOf(dataKey));
    }
  }

  @Test
  void everyCommitmentVectorDecryptsOrIsRefusedAsItSays() throws IOException {
    Map<String, Object> root;
    try (InputStream in = getClass().getResourceAsStream("/vectors/commitment-test-vectors.json")) {
      root =
          Json.object(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)), "vectors");
    }
    List<?> tests = (List<?>) root.get("tests");
    int valid = 0;
    int invalid = 0;
    for (Object o : tests) {
      Map<String, Object> t = Json.object(o, "test");
      String label = String.valueOf(t.get("comment"));
      byte[] message = Base64.getDecoder().decode((String) t.get("ciphertext"));
      byte[] dataKey = Base64.getDecoder().decode((String) t.get("decrypted-dek"));
      Envelope envelope = Envelope.builder().keyring(new StaticKeyring(dataKey)).build();
      if (Boolean.TRUE.equals(t.get("status"))) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (Object frame : (List<?>) t.get("plaintext-frames")) {
          expected.writeBytes(((String) frame).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(envelope.decrypt(message).plaintext())
            .as(label)
            .isEqualTo(expected.toByteArray());
        try (InputStream in = envelope.decryptingStream(new ByteArrayInputStream(message))) {
          assertThat(in.readAllBytes()).as(label).isEqualTo(expected.toByteArray());
        }
        @SuppressWarnings("unchecked")
        Map<String, String> context =
            (Map<String, String>) (Map<?, ?>) Json.object(t.get("encryption-context"), label);
        assertThat(envelope.decrypt(message).encryptionContext())
            .as(label)
            .containsAllEntriesOf(context);
        valid++;
      } else {
        assertThatThrownBy(() -> envelope.decrypt(message))
            .as(label)
            .isInstanceOf(EnvelopeException.class);
        assertThatThrownBy(
                () -> envelope.decryptingStream(new ByteArrayInputStream(message)).readAllBytes())
            .as(label)
            .isInstanceOf(EnvelopeException.class);
        invalid++;
      }
    }
    System.out.println(
        "commitment-test-vectors.json: "
            + tests.size()
            + " vectors, "
            + valid
            + " decrypted, "
            + invalid
            + " refused as expected");
    assertThat(valid + invalid).isEqualTo(tests.size()).isEqualTo(46);
    assertThat(valid).isPositive();
    assertThat(invalid).isPositive();
  }
}

package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Interoperability with the official ESDK for Java at the edges: one-byte and 1 MiB frames,
 * contexts near the largest the ESDK reads, and messages carrying many encrypted data keys of which
 * only one can be opened by the reader.
 */
class EsdkEdgeInteropTest {
  private static final MaterialProviders MPL =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build();

  private static byte[] key(long seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return k;
  }

  private static IKeyring esdkKeyring(String namespace, long seed) {
    return MPL.CreateRawAesKeyring(
        CreateRawAesKeyringInput.builder()
            .keyNamespace(namespace)
            .keyName("k")
            .wrappingKey(ByteBuffer.wrap(key(seed)))
            .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
            .build());
  }

  private static RawAesKeyring ourKeyring(String namespace, long seed) {
    return RawAesKeyring.builder()
        .keyNamespace(namespace)
        .keyName("k")
        .wrappingKey(key(seed))
        .build();
  }

  private static final IKeyring ESDK_SHARED = esdkKeyring("shared", 1);
  private static final RawAesKeyring OUR_SHARED = ourKeyring("shared", 1);

  private static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static CryptoAlgorithm esdkSuite(AlgorithmSuite suite) {
    return suite.isSigned()
        ? CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        : CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  }

  private static byte[] readOneByteAtATime(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (in) {
      int b;
      while ((b = in.read()) >= 0) {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static void bothWays(
      AlgorithmSuite suite, int frame, byte[] plaintext, Map<String, String> context)
      throws IOException {
    Envelope envelope =
        Envelope.builder().keyring(OUR_SHARED).algorithmSuite(suite).frameSize(frame).build();
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withEncryptionAlgorithm(esdkSuite(suite))
            .withEncryptionFrameSize(frame)
            .build();
    byte[] ours = envelope.encrypt(plaintext, context);
    assertThat(esdk.decryptData(ESDK_SHARED, ours).getResult())
        .as("ESDK reads ours, frame %d", frame)
        .isEqualTo(plaintext);
    byte[] theirs = esdk.encryptData(ESDK_SHARED, plaintext, context).getResult();
    assertThat(envelope.decrypt(theirs, context).plaintext())
        .as("we read theirs, frame %d", frame)
        .isEqualTo(plaintext);
    byte[] streamed =
        frame == 1 || plaintext.length < 5000
            ? readOneByteAtATime(
                envelope.decryptingStream(new ByteArrayInputStream(theirs), context))
            : envelope.decryptingStream(new ByteArrayInputStream(theirs), context).readAllBytes();
    assertThat(streamed).as("we stream theirs, frame %d", frame).isEqualTo(plaintext);
  }

  @Test
  void oneByteFramesBothWays() throws IOException {
    for (int size : new int[] {0, 1, 2, 257}) {
      bothWays(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 1, data(size), Map.of("f", "1"));
    }
    bothWays(
        AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
        1,
        data(33),
        Map.of("f", "1"));
  }

  @Test
  void oneMebibyteFramesBothWays() throws IOException {
    int frame = 1 << 20;
    for (int size : new int[] {frame - 1, frame, frame + 5}) {
      bothWays(
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, frame, data(size), Map.of("f", "big"));
    }
    bothWays(
        AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
        frame,
        data(frame + 1),
        Map.of());
  }

  @Test
  void largeContextsBothWays() throws IOException {
    // About 32 000 bytes serialized: just under the 32 767 the ESDK for Java can read.
    Map<String, String> context = new LinkedHashMap<>();
    StringBuilder value = new StringBuilder();
    while (value.length() < 990) {
      value.append("value-");
    }
    for (int i = 0; i < 32; i++) {
      context.put(String.format("key-%03d", i), value.toString() + i);
    }
    bothWays(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 4096, data(10_000), context);
    bothWays(
        AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 4096, data(100), context);
    // Many small pairs; the ESDK's recursive context code overflows the stack at a few thousand.
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      many.put("k" + i, "v");
    }
    bothWays(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 64, data(500), many);
  }

  @Test
  void esdkMessagesWithManyDataKeysDecryptWithTheOneWeHold() throws IOException {
    List<IKeyring> children = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      children.add(esdkKeyring("other-" + i, 100 + i));
    }
    children.add(3, ESDK_SHARED);
    IKeyring multi =
        MPL.CreateMultiKeyring(
            CreateMultiKeyringInput.builder()
                .generator(esdkKeyring("generator", 99))
                .childKeyrings(children)
                .build());
    byte[] plaintext = data(3000);
    Map<String, String> context = Map.of("edks", "8");
    byte[] message =
        AwsCrypto.builder()
            .withEncryptionFrameSize(1000)
            .build()
            .encryptData(multi, plaintext, context)
            .getResult();

    Envelope envelope = Envelope.builder().keyring(OUR_SHARED).build();
    assertThat(envelope.decrypt(message, context).plaintext()).isEqualTo(plaintext);
    assertThat(envelope.decryptingStream(new ByteArrayInputStream(message), context).readAllBytes())
        .isEqualTo(plaintext);
    // A keyring that holds none of the eight keys, and a limit below eight: both refuse,
    // differently.
    Envelope stranger = Envelope.builder().keyring(ourKeyring("shared", 2)).build();
    assertThatThrownBy(() -> stranger.decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class);
    Envelope limited = Envelope.builder().keyring(OUR_SHARED).maxEncryptedDataKeys(7).build();
    assertThatThrownBy(() -> limited.decrypt(message))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("maxEncryptedDataKeys");
    assertThatThrownBy(() -> limited.decryptingStream(new ByteArrayInputStream(message)).read())
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void ourMessagesWithManyDataKeysDecryptInTheEsdkWithAnyOne() {
    List<Keyring> others = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      others.add(ourKeyring("other-" + i, 200 + i));
    }
    others.add(2, OUR_SHARED);
    Envelope envelope =
        Envelope.builder()
            .keyring(MultiKeyring.of(ourKeyring("generator", 98), others.toArray(new Keyring[0])))
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .frameSize(512)
            .build();
    byte[] plaintext = data(2000);
    byte[] message = envelope.encrypt(plaintext, Map.of("edks", "7"));
    AwsCrypto esdk = AwsCrypto.builder().build();
    assertThat(esdk.decryptData(ESDK_SHARED, message).getResult()).isEqualTo(plaintext);
    assertThat(esdk.decryptData(esdkKeyring("other-4", 204), message).getResult())
        .isEqualTo(plaintext);
    assertThatThrownBy(() -> esdk.decryptData(esdkKeyring("other-4", 205), message))
        .isInstanceOf(RuntimeException.class);
  }
}

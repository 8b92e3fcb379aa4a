package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.keyring.RawAesKeyring;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/** Messages cross between Envelope and the official AWS Encryption SDK for Java, both ways. */
class EsdkInteropTest {
  private static final byte[] WRAPPING_KEY = new byte[32];
  private static final String NAMESPACE = "interop-ns";
  private static final String NAME = "interop-key";

  static {
    new Random(7).nextBytes(WRAPPING_KEY);
  }

  private static final IKeyring ESDK_KEYRING =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build()
          .CreateRawAesKeyring(
              CreateRawAesKeyringInput.builder()
                  .keyNamespace(NAMESPACE)
                  .keyName(NAME)
                  .wrappingKey(ByteBuffer.wrap(WRAPPING_KEY.clone()))
                  .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                  .build());

  private static final RawAesKeyring OUR_KEYRING =
      RawAesKeyring.builder()
          .keyNamespace(NAMESPACE)
          .keyName(NAME)
          .wrappingKey(WRAPPING_KEY)
          .build();

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    List<Map<String, String>> contexts =
        List.of(Map.of(), Map.of("tenant", "acme", "purpose", "interop"), nonAscii());
    int[] frames = {128, 4096, 65536};
    for (AlgorithmSuite suite :
        new AlgorithmSuite[] {
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        }) {
      for (int frame : frames) {
        for (int size : new int[] {0, 1, frame - 1, frame, frame + 1, 3 * frame + 17}) {
          // Signed suites are slow; cover them at fewer sizes.
          if (suite.isSigned() && frame == 4096 && size != frame + 1) {
            continue;
          }
          out.add(Arguments.of(suite, frame, size, contexts.get(out.size() % contexts.size())));
        }
      }
    }
    return out.stream();
  }

  private static Map<String, String> nonAscii() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("zebra", "last in ASCII order");
    m.put("ключ", "значение");
    m.put("é", "café ☕");
    m.put("Ωmega", "\uD83D\uDE00 emoji");
    m.put("a", "first");
    return m;
  }

  private static CryptoAlgorithm esdkSuite(AlgorithmSuite suite) {
    return suite.isSigned()
        ? CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        : CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} frame={1} size={2}")
  @MethodSource("cases")
  void esdkDecryptsEnvelopeMessages(
      AlgorithmSuite suite, int frame, int size, Map<String, String> context) {
    byte[] plaintext = random(size, size * 31L + frame);
    Envelope envelope =
        Envelope.builder().keyring(OUR_KEYRING).algorithmSuite(suite).frameSize(frame).build();
    byte[] message = envelope.encrypt(plaintext, context);

    AwsCrypto esdk = AwsCrypto.builder().withEncryptionFrameSize(frame).build();
    CryptoResult<byte[], ?> result = esdk.decryptData(ESDK_KEYRING, message);

    assertThat(result.getResult()).isEqualTo(plaintext);
    assertThat(result.getEncryptionContext()).containsAllEntriesOf(context);
    assertThat(result.getCryptoAlgorithm()).isEqualTo(esdkSuite(suite));
  }

  @ParameterizedTest(name = "{0} frame={1} size={2}")
  @MethodSource("cases")
  void envelopeDecryptsEsdkMessages(
      AlgorithmSuite suite, int frame, int size, Map<String, String> context) {
    byte[] plaintext = random(size, size * 17L + frame);
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withEncryptionAlgorithm(esdkSuite(suite))
            .withEncryptionFrameSize(frame)
            .build();
    byte[] message = esdk.encryptData(ESDK_KEYRING, plaintext, context).getResult();

    Envelope envelope = Envelope.builder().keyring(OUR_KEYRING).build();
    DecryptResult result = envelope.decrypt(message, context);

    assertThat(result.plaintext()).isEqualTo(plaintext);
    assertThat(result.algorithmSuite()).isEqualTo(suite);
    assertThat(result.encryptionContext()).containsAllEntriesOf(context);
  }

  @Test
  void jceMasterKeyMessagesInteroperateBothWays() {
    JceMasterKey masterKey =
        JceMasterKey.getInstance(
            new SecretKeySpec(WRAPPING_KEY, "AES"), NAMESPACE, NAME, "AES/GCM/NoPadding");
    AwsCrypto esdk = AwsCrypto.builder().build();
    Envelope envelope = Envelope.builder().keyring(OUR_KEYRING).build();
    byte[] plaintext = random(10_000, 99);

    byte[] fromEsdk = esdk.encryptData(masterKey, plaintext, nonAscii()).getResult();
    assertThat(envelope.decrypt(fromEsdk, nonAscii()).plaintext()).isEqualTo(plaintext);

    byte[] fromEnvelope = envelope.encrypt(plaintext, nonAscii());
    assertThat(esdk.decryptData(masterKey, fromEnvelope).getResult()).isEqualTo(plaintext);
  }

  @Test
  void legacySuitesFromEsdkDecryptOnlyWhenPolicyAllows() {
    Envelope strict = Envelope.builder().keyring(OUR_KEYRING).build();
    Envelope permissive =
        Envelope.builder()
            .keyring(OUR_KEYRING)
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .build();
    byte[] plaintext = random(5000, 5);
    for (CryptoAlgorithm legacy :
        new CryptoAlgorithm[] {
          CryptoAlgorithm.ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
          CryptoAlgorithm.ALG_AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256,
          CryptoAlgorithm.ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA256,
          CryptoAlgorithm.ALG_AES_192_GCM_IV12_TAG16_HKDF_SHA256,
          CryptoAlgorithm.ALG_AES_128_GCM_IV12_TAG16_NO_KDF
        }) {
      AwsCrypto esdk =
          AwsCrypto.builder()
              .withCommitmentPolicy(
                  com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
              .withEncryptionAlgorithm(legacy)
              .withEncryptionFrameSize(1024)
              .build();
      byte[] message = esdk.encryptData(ESDK_KEYRING, plaintext, Map.of("k", "v")).getResult();

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.decrypt(message))
          .as(legacy.name())
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("REQUIRE_ENCRYPT_ALLOW_DECRYPT");
      DecryptResult result = permissive.decrypt(message, Map.of("k", "v"));
      assertThat(result.plaintext()).as(legacy.name()).isEqualTo(plaintext);
      assertThat(result.algorithmSuite().id()).isEqualTo(legacy.getValue());
    }
  }

  @Test
  void legacyNonFramedMessagesDecryptWhenPolicyAllows() {
    Envelope permissive =
        Envelope.builder()
            .keyring(OUR_KEYRING)
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .build();
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withCommitmentPolicy(
                com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
            .withEncryptionAlgorithm(
                CryptoAlgorithm.ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384)
            .withEncryptionFrameSize(0)
            .build();
    byte[] plaintext = random(3000, 8);
    byte[] message = esdk.encryptData(ESDK_KEYRING, plaintext, Map.of("k", "v")).getResult();
    assertThat(permissive.decrypt(message, Map.of("k", "v")).plaintext()).isEqualTo(plaintext);
    assertThat(readAll(permissive.decryptingStream(new java.io.ByteArrayInputStream(message))))
        .isEqualTo(plaintext);
    byte[] tampered = message.clone();
    tampered[tampered.length - 120] ^= 1;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> permissive.decrypt(tampered))
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void committingNonFramedMessagesFromEsdkDecrypt() {
    Envelope envelope = Envelope.builder().keyring(OUR_KEYRING).build();
    for (CryptoAlgorithm suite :
        new CryptoAlgorithm[] {
          CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
          CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        }) {
      AwsCrypto esdk =
          AwsCrypto.builder().withEncryptionAlgorithm(suite).withEncryptionFrameSize(0).build();
      byte[] plaintext = random(2500, 13);
      byte[] message = esdk.encryptData(ESDK_KEYRING, plaintext, Map.of("k", "v")).getResult();
      assertThat(envelope.decrypt(message, Map.of("k", "v")).plaintext())
          .as(suite.name())
          .isEqualTo(plaintext);
      assertThat(readAll(envelope.decryptingStream(new java.io.ByteArrayInputStream(message))))
          .as(suite.name())
          .isEqualTo(plaintext);
    }
  }

  @Test
  void envelopeStreamsInteroperateWithEsdkStreams() throws java.io.IOException {
    for (int size : new int[] {300_000, 4096 * 20, 0}) {
      streamsBothWays(random(size, 12));
    }
  }

  private static void streamsBothWays(byte[] plaintext) throws java.io.IOException {
    Envelope envelope = Envelope.builder().keyring(OUR_KEYRING).frameSize(4096).build();
    AwsCrypto esdk = AwsCrypto.builder().withEncryptionFrameSize(4096).build();

    java.io.ByteArrayOutputStream ours = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream out = envelope.encryptingStream(ours, Map.of("s", "1"))) {
      out.write(plaintext);
    }
    assertThat(
            readAll(
                esdk.createDecryptingStream(
                    ESDK_KEYRING, new java.io.ByteArrayInputStream(ours.toByteArray()))))
        .isEqualTo(plaintext);

    java.io.ByteArrayOutputStream theirs = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream out =
        esdk.createEncryptingStream(ESDK_KEYRING, theirs, Map.of("s", "2"))) {
      out.write(plaintext);
    }
    assertThat(
            readAll(
                envelope.decryptingStream(
                    new java.io.ByteArrayInputStream(theirs.toByteArray()), Map.of("s", "2"))))
        .isEqualTo(plaintext);
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package dev.envelope.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.cryptography.materialproviders.ICryptographicMaterialsManager;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateDefaultCryptographicMaterialsManagerInput;
import software.amazon.cryptography.materialproviders.model.CreateMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRawRsaKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRequiredEncryptionContextCMMInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.PaddingScheme;

/**
 * Vectors the other way: {@link EnvelopeVectorGenerator} writes Envelope messages as an
 * awses-decrypt manifest, and the official AWS Encryption SDK for Java (3.0.2, with the Material
 * Providers Library's raw AES and raw RSA keyrings and Required Encryption Context CMM) decrypts
 * every one of them, one-shot and streamed. Envelope's own runner reads the same manifest.
 */
class EnvelopeVectorsTest {
  private static final MaterialProviders MPL =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build();

  @TempDir static Path dir;
  private static List<EnvelopeVectorGenerator.Vector> vectors;

  @BeforeAll
  static void generate() throws IOException {
    vectors = EnvelopeVectorGenerator.generate(dir);
  }

  @Test
  void generatorCoversTheRequiredShapes() {
    assertThat(vectors).hasSize(72);
    assertThat(vectors)
        .extracting(EnvelopeVectorGenerator.Vector::suite)
        .containsOnly(
            dev.envelope.AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            dev.envelope.AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);
    assertThat(vectors).extracting(EnvelopeVectorGenerator.Vector::frameSize).contains(1, 1 << 20);
    assertThat(vectors)
        .extracting(EnvelopeVectorGenerator.Vector::plaintextSize)
        .contains(0, 3 * (1 << 20) + 5);
    assertThat(vectors)
        .extracting(EnvelopeVectorGenerator.Vector::cmm)
        .contains("Default", "RequiredEncryptionContext");
    assertThat(vectors)
        .extracting(EnvelopeVectorGenerator.Vector::key)
        .contains("aes-256", "rsa-2048:OAEP_SHA256_MGF1", "rsa-2048:PKCS1");
  }

  @Test
  void envelopeRunnerReadsItsOwnManifest() {
    DecryptVectorRunner.Summary summary =
        new DecryptVectorRunner(VectorFiles.fromDirectory(dir), false).run();
    System.out.println(summary);
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.passed()).isEqualTo(vectors.size());
  }

  @Test
  void officialJavaEsdkDecryptsEveryEnvelopeVector() throws IOException {
    DecryptManifest manifest =
        DecryptManifest.parse(Files.readAllBytes(dir.resolve("manifest.json")));
    VectorKeys keys = VectorKeys.parse(Files.readString(dir.resolve("keys.json")));
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
            .build();
    List<String> failures = new ArrayList<>();
    int decrypted = 0;
    for (DecryptManifest.Test test : manifest.tests()) {
      byte[] ciphertext =
          Files.readAllBytes(dir.resolve(test.ciphertextUri().substring("file://".length())));
      byte[] expected =
          Files.readAllBytes(dir.resolve(test.plaintextUri().substring("file://".length())));
      ICryptographicMaterialsManager cmm = cmm(test, keys);
      Map<String, String> context = test.reproducedContext();
      try {
        CryptoResult<byte[], ?> result = esdk.decryptData(cmm, ciphertext, context);
        byte[] streamed;
        try (InputStream in =
            esdk.createDecryptingStream(cmm, new ByteArrayInputStream(ciphertext), context)) {
          streamed = in.readAllBytes();
        }
        if (!Arrays.equals(result.getResult(), expected) || !Arrays.equals(streamed, expected)) {
          failures.add(test.id() + ": plaintext differs");
        } else if (!result.getEncryptionContext().entrySet().containsAll(context.entrySet())) {
          failures.add(test.id() + ": ESDK result context lacks pairs");
        } else {
          decrypted++;
        }
      } catch (RuntimeException e) {
        failures.add(test.id() + ": " + e);
      }
    }
    System.out.println(
        "official ESDK for Java 3.0.2 decrypted "
            + decrypted
            + " of "
            + manifest.tests().size()
            + " Envelope vectors, one-shot and streamed");
    assertThat(failures).isEmpty();
    assertThat(decrypted).isEqualTo(vectors.size());
  }

  private static ICryptographicMaterialsManager cmm(DecryptManifest.Test test, VectorKeys keys) {
    List<IKeyring> keyrings = new ArrayList<>();
    for (DecryptManifest.MasterKey mk : test.masterKeys()) {
      keyrings.add(esdkKeyring(mk, keys));
    }
    IKeyring keyring =
        keyrings.size() == 1
            ? keyrings.get(0)
            : MPL.CreateMultiKeyring(
                CreateMultiKeyringInput.builder()
                    .generator(keyrings.get(0))
                    .childKeyrings(keyrings.subList(1, keyrings.size()))
                    .build());
    ICryptographicMaterialsManager defaultCmm =
        MPL.CreateDefaultCryptographicMaterialsManager(
            CreateDefaultCryptographicMaterialsManagerInput.builder().keyring(keyring).build());
    if (!"RequiredEncryptionContext".equals(test.cmm())) {
      return defaultCmm;
    }
    return MPL.CreateRequiredEncryptionContextCMM(
        CreateRequiredEncryptionContextCMMInput.builder()
            .underlyingCMM(defaultCmm)
            .requiredEncryptionContextKeys(List.copyOf(EnvelopeVectorGenerator.REQUIRED))
            .build());
  }

  static IKeyring esdkKeyring(DecryptManifest.MasterKey mk, VectorKeys keys) {
    VectorKeys.Key key = keys.get(mk.key());
    if ("aes".equals(mk.encryptionAlgorithm())) {
      return MPL.CreateRawAesKeyring(
          CreateRawAesKeyringInput.builder()
              .keyNamespace(mk.providerId())
              .keyName(key.keyId())
              .wrappingKey(ByteBuffer.wrap(key.symmetric()))
              .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
              .build());
    }
    return MPL.CreateRawRsaKeyring(
        CreateRawRsaKeyringInput.builder()
            .keyNamespace(mk.providerId())
            .keyName(key.keyId())
            .paddingScheme(PaddingScheme.valueOf(DecryptVectorRunner.padding(mk).name()))
            .privateKey(
                ByteBuffer.wrap(
                    EnvelopeVectorGenerator.pem("PRIVATE KEY", key.privateKey().getEncoded())
                        .getBytes(StandardCharsets.UTF_8)))
            .build());
  }
}

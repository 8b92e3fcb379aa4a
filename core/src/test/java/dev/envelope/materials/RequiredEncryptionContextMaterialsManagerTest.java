package dev.envelope.materials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoResult;
import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptResult;
import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import dev.envelope.InvalidMessageException;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.ICryptographicMaterialsManager;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateDefaultCryptographicMaterialsManagerInput;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRequiredEncryptionContextCMMInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Required encryption context: pairs authenticated but not stored, reproduced by the reader;
 * against the ESDK specification's behaviour and the official ESDK for Java's Required Encryption
 * Context CMM.
 */
class RequiredEncryptionContextMaterialsManagerTest {
  private static final byte[] WRAPPING_KEY = new byte[32];
  private static final Map<String, String> CONTEXT =
      Map.of("tenant", "acme", "purpose", "invoice", "ключ", "v");
  private static final Set<String> REQUIRED = Set.of("tenant", "ключ");
  private static final Map<String, String> STORED = Map.of("purpose", "invoice");

  static {
    new Random(3).nextBytes(WRAPPING_KEY);
  }

  private static final RawAesKeyring AES =
      RawAesKeyring.builder().keyNamespace("ns").keyName("k").wrappingKey(WRAPPING_KEY).build();
  private static final KeyPair RSA_PAIR = rsa();
  private static final RawRsaKeyring RSA =
      RawRsaKeyring.builder()
          .keyNamespace("ns")
          .keyName("rsa")
          .padding(RawRsaKeyring.Padding.OAEP_SHA256_MGF1)
          .publicKey(RSA_PAIR.getPublic())
          .privateKey(RSA_PAIR.getPrivate())
          .build();

  private static final MaterialProviders MPL =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build();
  private static final IKeyring ESDK_AES =
      MPL.CreateRawAesKeyring(
          CreateRawAesKeyringInput.builder()
              .keyNamespace("ns")
              .keyName("k")
              .wrappingKey(ByteBuffer.wrap(WRAPPING_KEY.clone()))
              .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
              .build());

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Envelope writer(Keyring keyring, AlgorithmSuite suite) {
    return Envelope.builder()
        .algorithmSuite(suite)
        .frameSize(100)
        .materialsManager(
            RequiredEncryptionContextMaterialsManager.builder()
                .keyring(keyring)
                .requiredKeys(REQUIRED)
                .build())
        .build();
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static Map<String, String> storedContext(byte[] message) {
    return MessageHeader.parse(
            message, 0, message.length, new DecryptionLimits(10, 1 << 20, 1 << 24))
        .encryptionContext();
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void requiredPairsAreAuthenticatedNotStoredAndReproducedOnDecrypt(AlgorithmSuite suite)
      throws IOException {
    for (Keyring keyring : List.of(AES, RSA)) {
      Envelope writer = writer(keyring, suite);
      byte[] plaintext = data(250);
      byte[] message = writer.encrypt(plaintext, CONTEXT);
      assertThat(storedContext(message))
          .doesNotContainKeys("tenant", "ключ")
          .containsEntry("purpose", "invoice");

      // The writer itself, and a plain reader that is handed the pairs, both decrypt; the result
      // has them all.
      Envelope plain = Envelope.builder().keyring(keyring).build();
      for (Envelope reader : List.of(writer, plain)) {
        DecryptResult result = reader.decrypt(message, CONTEXT);
        assertThat(result.plaintext()).isEqualTo(plaintext);
        assertThat(result.encryptionContext()).containsAllEntriesOf(CONTEXT);
        try (InputStream in = reader.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
          assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
      }
    }
  }

  @Test
  void missingRequiredPairFailsBeforeAnyKeyProviderCall() {
    Envelope writer = writer(AES, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    byte[] message = writer.encrypt(data(10), CONTEXT);
    assertThatThrownBy(() -> writer.decrypt(message))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .satisfies(
            e ->
                assertThat(((EncryptionContextMismatchException) e).differingKeys())
                    .containsExactly("tenant", "ключ"));
    assertThatThrownBy(
            () -> writer.decrypt(message, Map.of("purpose", "invoice", "tenant", "acme")))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .satisfies(
            e ->
                assertThat(((EncryptionContextMismatchException) e).differingKeys())
                    .containsExactly("ключ"));
    assertThatThrownBy(
            () -> writer.decryptingStream(new ByteArrayInputStream(message), STORED).read())
        .isInstanceOf(EncryptionContextMismatchException.class);
  }

  @Test
  void missingPairFailsWithoutPlaintextWhenTheKeyringDoesNotBindContext() {
    // RSA wraps the data key without the context: only the header tag catches the missing pair.
    byte[] message =
        writer(RSA, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).encrypt(data(10), CONTEXT);
    Envelope plain = Envelope.builder().keyring(RSA).build();
    assertThatThrownBy(() -> plain.decrypt(message))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("required encryption context");
    assertThatThrownBy(() -> plain.decrypt(message, Map.of("purpose", "invoice", "tenant", "acme")))
        .isInstanceOf(InvalidMessageException.class);
    assertThatThrownBy(
            () -> plain.decryptingStream(new ByteArrayInputStream(message), STORED).read())
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void wrongRequiredValueNeverDecrypts() {
    Map<String, String> wrong = Map.of("tenant", "globex", "purpose", "invoice", "ключ", "v");
    for (Keyring keyring : List.of(AES, RSA)) {
      Envelope writer = writer(keyring, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
      byte[] message = writer.encrypt(data(10), CONTEXT);
      Envelope plain = Envelope.builder().keyring(keyring).build();
      for (Envelope reader : List.of(writer, plain)) {
        assertThatThrownBy(() -> reader.decrypt(message, wrong))
            .as(keyring.toString())
            .isInstanceOfAny(
                EncryptionContextMismatchException.class, InvalidMessageException.class)
            .hasMessageNotContaining("globex")
            .hasMessageNotContaining("acme");
        assertThatThrownBy(
                () -> reader.decryptingStream(new ByteArrayInputStream(message), wrong).read())
            .isInstanceOfAny(
                EncryptionContextMismatchException.class, InvalidMessageException.class);
      }
    }
  }

  @Test
  void extraExpectedPairOnAnOrdinaryMessageIsAMismatch() {
    for (Keyring keyring : List.of(AES, RSA)) {
      Envelope envelope = Envelope.builder().keyring(keyring).build();
      byte[] message = envelope.encrypt(data(10), STORED);
      Map<String, String> extra = Map.of("purpose", "invoice", "extra", "x");
      assertThatThrownBy(() -> envelope.decrypt(message, extra))
          .as(keyring.toString())
          .isInstanceOf(EncryptionContextMismatchException.class)
          .satisfies(
              e ->
                  assertThat(((EncryptionContextMismatchException) e).differingKeys())
                      .containsExactly("extra"));
    }
  }

  @Test
  void storedPairWithAnotherValueIsRefusedByTheDefaultManager() {
    DefaultMaterialsManager manager = new DefaultMaterialsManager(AES);
    assertThatThrownBy(
            () ->
                manager.decryptMaterials(
                    new DecryptionRequest(
                        AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
                        List.of(),
                        Map.of("a", "1"),
                        Map.of("a", "2"))))
        .isInstanceOf(EncryptionContextMismatchException.class);
  }

  @Test
  void encryptionRequiresTheKeysInTheContext() {
    Envelope writer = writer(AES, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    assertThatThrownBy(() -> writer.encrypt(data(1), STORED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant");
    assertThatThrownBy(
            () ->
                RequiredEncryptionContextMaterialsManager.builder()
                    .keyring(AES)
                    .requiredKeys(Set.of("aws-crypto-public-key"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(
            () ->
                RequiredEncryptionContextMaterialsManager.builder()
                    .keyring(AES)
                    .requiredKeys(Set.of())
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RequiredEncryptionContextMaterialsManager.builder().requiredKeys(REQUIRED).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void cachedDecryptionMaterialsDoNotServeAReaderWithoutThePairs() {
    byte[] message =
        writer(RSA, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).encrypt(data(10), CONTEXT);
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .materialsManager(new DefaultMaterialsManager(RSA))
            .maxAge(Duration.ofMinutes(5))
            .build();
    Envelope reader = Envelope.builder().materialsManager(cache).build();
    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(data(10));
    assertThatThrownBy(() -> reader.decrypt(message, STORED))
        .isInstanceOf(InvalidMessageException.class);
    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(data(10));
  }

  @Test
  void requiredContextThroughACachingManagerEncrypts() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(AES).maxAge(Duration.ofMinutes(5)).build();
    Envelope writer =
        Envelope.builder()
            .materialsManager(
                RequiredEncryptionContextMaterialsManager.builder()
                    .materialsManager(cache)
                    .requiredKeys(Set.of("tenant"))
                    .build())
            .build();
    Envelope storesAll = Envelope.builder().materialsManager(cache).build();
    byte[] first = writer.encrypt(data(5), CONTEXT);
    byte[] ordinary = storesAll.encrypt(data(5), CONTEXT);
    byte[] second = writer.encrypt(data(5), CONTEXT);
    assertThat(storedContext(first)).doesNotContainKey("tenant");
    assertThat(storedContext(second)).doesNotContainKey("tenant");
    assertThat(storedContext(ordinary)).containsEntry("tenant", "acme");
    Envelope reader = Envelope.builder().keyring(AES).build();
    for (byte[] m : List.of(first, ordinary, second)) {
      assertThat(reader.decrypt(m, CONTEXT).plaintext()).isEqualTo(data(5));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void officialEsdkRequiredContextCmmInteroperatesBothWays(AlgorithmSuite suite)
      throws IOException {
    ICryptographicMaterialsManager esdkCmm =
        MPL.CreateRequiredEncryptionContextCMM(
            CreateRequiredEncryptionContextCMMInput.builder()
                .underlyingCMM(
                    MPL.CreateDefaultCryptographicMaterialsManager(
                        CreateDefaultCryptographicMaterialsManagerInput.builder()
                            .keyring(ESDK_AES)
                            .build()))
                .requiredEncryptionContextKeys(List.copyOf(REQUIRED))
                .build());
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withEncryptionAlgorithm(
                com.amazonaws.encryptionsdk.CryptoAlgorithm.deserialize((byte) 2, suite.id()))
            .withEncryptionFrameSize(100)
            .build();
    byte[] plaintext = data(333);

    byte[] theirs = esdk.encryptData(esdkCmm, plaintext, CONTEXT).getResult();
    assertThat(storedContext(theirs)).doesNotContainKeys("tenant", "ключ");
    Envelope plain = Envelope.builder().keyring(AES).build();
    assertThat(plain.decrypt(theirs, CONTEXT).plaintext()).isEqualTo(plaintext);
    assertThat(writer(AES, suite).decrypt(theirs, CONTEXT).encryptionContext())
        .containsAllEntriesOf(CONTEXT);
    assertThat(plain.decryptingStream(new ByteArrayInputStream(theirs), CONTEXT).readAllBytes())
        .isEqualTo(plaintext);

    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    try (OutputStream out = writer(AES, suite).encryptingStream(ours, CONTEXT)) {
      out.write(plaintext);
    }
    CryptoResult<byte[], ?> result = esdk.decryptData(esdkCmm, ours.toByteArray(), CONTEXT);
    assertThat(result.getResult()).isEqualTo(plaintext);
    // The ESDK's default CMM, given the reproduced pairs, reads it too; without them it refuses.
    assertThat(esdk.decryptData(ESDK_AES, ours.toByteArray(), CONTEXT).getResult())
        .isEqualTo(plaintext);
    assertThatThrownBy(() -> esdk.decryptData(ESDK_AES, ours.toByteArray(), STORED))
        .isInstanceOf(Exception.class);
  }

  @Test
  void legacySuitesCarryRequiredContextOnDecrypt() {
    ICryptographicMaterialsManager esdkCmm =
        MPL.CreateRequiredEncryptionContextCMM(
            CreateRequiredEncryptionContextCMMInput.builder()
                .underlyingCMM(
                    MPL.CreateDefaultCryptographicMaterialsManager(
                        CreateDefaultCryptographicMaterialsManagerInput.builder()
                            .keyring(ESDK_AES)
                            .build()))
                .requiredEncryptionContextKeys(List.of("tenant"))
                .build());
    AwsCrypto esdk =
        AwsCrypto.builder()
            .withCommitmentPolicy(
                com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
            .withEncryptionAlgorithm(
                com.amazonaws.encryptionsdk.CryptoAlgorithm
                    .ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384)
            .build();
    byte[] message = esdk.encryptData(esdkCmm, data(50), CONTEXT).getResult();
    Envelope reader =
        Envelope.builder()
            .keyring(AES)
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .build();
    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(data(50));
    assertThatThrownBy(
            () -> reader.decrypt(message, Map.of("purpose", "invoice", "ключ", "v", "tenant", "x")))
        .isInstanceOfAny(EncryptionContextMismatchException.class, InvalidMessageException.class);
  }
}

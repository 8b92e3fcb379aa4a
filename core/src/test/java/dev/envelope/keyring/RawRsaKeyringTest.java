package dev.envelope.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.NoUsableDataKeyException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateRawRsaKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.PaddingScheme;

/**
 * The raw RSA keyring against itself and against the official ESDK for Java (MPL keyring,
 * JceMasterKey).
 */
class RawRsaKeyringTest {
  private static final String NAMESPACE = "rsa-ns";
  private static final String NAME = "rsa-key-1";
  private static final KeyPair PAIR = generate(2048, 1);
  private static final KeyPair OTHER = generate(2048, 2);
  private static final MaterialProviders MPL =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build();
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "ключ", "значение");

  private static KeyPair generate(int bits, long seed) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      g.initialize(bits, random);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RawRsaKeyring.Builder ours(RawRsaKeyring.Padding padding) {
    return RawRsaKeyring.builder().keyNamespace(NAMESPACE).keyName(NAME).padding(padding);
  }

  private static IKeyring theirs(RawRsaKeyring.Padding padding) {
    return MPL.CreateRawRsaKeyring(
        CreateRawRsaKeyringInput.builder()
            .keyNamespace(NAMESPACE)
            .keyName(NAME)
            .paddingScheme(PaddingScheme.valueOf(padding.name()))
            .publicKey(pem("PUBLIC KEY", PAIR.getPublic().getEncoded()))
            .privateKey(pem("PRIVATE KEY", PAIR.getPrivate().getEncoded()))
            .build());
  }

  private static ByteBuffer pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ByteBuffer.wrap(
        ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @EnumSource(RawRsaKeyring.Padding.class)
  void publicKeyAloneEncryptsAndPrivateKeyAloneDecrypts(RawRsaKeyring.Padding padding)
      throws IOException {
    Envelope writer =
        Envelope.builder().keyring(ours(padding).publicKey(PAIR.getPublic()).build()).build();
    Envelope reader =
        Envelope.builder().keyring(ours(padding).privateKey(PAIR.getPrivate()).build()).build();
    byte[] plaintext = data(5000);
    byte[] message = writer.encrypt(plaintext, CONTEXT);

    assertThat(reader.decrypt(message, CONTEXT).plaintext()).isEqualTo(plaintext);
    try (InputStream in = reader.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
      assertThat(in.readAllBytes()).isEqualTo(plaintext);
    }
    assertThatThrownBy(() -> writer.decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("only the public key");
    assertThatThrownBy(() -> reader.encrypt(plaintext, CONTEXT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot encrypt");
  }

  @ParameterizedTest
  @EnumSource(RawRsaKeyring.Padding.class)
  void esdkRawRsaKeyringReadsOursAndWeReadTheirs(RawRsaKeyring.Padding padding) {
    RawRsaKeyring both =
        ours(padding).publicKey(PAIR.getPublic()).privateKey(PAIR.getPrivate()).build();
    for (AlgorithmSuite suite :
        new AlgorithmSuite[] {
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        }) {
      Envelope envelope =
          Envelope.builder().keyring(both).algorithmSuite(suite).frameSize(1024).build();
      AwsCrypto esdk = AwsCrypto.builder().withEncryptionFrameSize(1024).build();
      byte[] plaintext = data(3000);

      byte[] ourMessage = envelope.encrypt(plaintext, CONTEXT);
      assertThat(esdk.decryptData(theirs(padding), ourMessage).getResult()).isEqualTo(plaintext);

      byte[] theirMessage = esdk.encryptData(theirs(padding), plaintext, CONTEXT).getResult();
      assertThat(envelope.decrypt(theirMessage, CONTEXT).plaintext()).isEqualTo(plaintext);
    }
  }

  @Test
  void jceMasterKeyRsaInteroperatesBothWays() {
    String[] transformations = {
      "RSA/ECB/PKCS1Padding",
      "RSA/ECB/OAEPWithSHA-1AndMGF1Padding",
      "RSA/ECB/OAEPWithSHA-256AndMGF1Padding",
      "RSA/ECB/OAEPWithSHA-384AndMGF1Padding",
      "RSA/ECB/OAEPWithSHA-512AndMGF1Padding"
    };
    RawRsaKeyring.Padding[] paddings = RawRsaKeyring.Padding.values();
    AwsCrypto esdk = AwsCrypto.builder().build();
    byte[] plaintext = data(777);
    for (int i = 0; i < paddings.length; i++) {
      JceMasterKey masterKey =
          JceMasterKey.getInstance(
              PAIR.getPublic(), PAIR.getPrivate(), NAMESPACE, NAME, transformations[i]);
      Envelope envelope =
          Envelope.builder()
              .keyring(
                  ours(paddings[i])
                      .publicKey(PAIR.getPublic())
                      .privateKey(PAIR.getPrivate())
                      .build())
              .build();

      byte[] fromEsdk = esdk.encryptData(masterKey, plaintext, CONTEXT).getResult();
      assertThat(envelope.decrypt(fromEsdk, CONTEXT).plaintext())
          .as(transformations[i])
          .isEqualTo(plaintext);
      byte[] fromEnvelope = envelope.encrypt(plaintext, CONTEXT);
      assertThat(esdk.decryptData(masterKey, fromEnvelope).getResult())
          .as(transformations[i])
          .isEqualTo(plaintext);
    }
  }

  @Test
  void encryptedDataKeyCarriesNamespaceAndNameOnly() {
    RawRsaKeyring keyring =
        ours(RawRsaKeyring.Padding.OAEP_SHA256_MGF1).publicKey(PAIR.getPublic()).build();
    try (EncryptionMaterials m =
        keyring.onEncrypt(
            EncryptionMaterials.of(
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, Map.of(), null))) {
      EncryptedDataKey edk = m.encryptedDataKeys().get(0);
      assertThat(edk.providerId()).isEqualTo(NAMESPACE);
      assertThat(edk.providerInfo()).isEqualTo(NAME.getBytes(StandardCharsets.UTF_8));
      assertThat(edk.ciphertext()).hasSize(256);
      assertThat(m.dataKey().length()).isEqualTo(32);
    }
  }

  @Test
  void wrongPrivateKeyOrPaddingIsAClearErrorWithoutKeyMaterial() {
    Envelope writer =
        Envelope.builder()
            .keyring(
                ours(RawRsaKeyring.Padding.OAEP_SHA256_MGF1).publicKey(PAIR.getPublic()).build())
            .build();
    byte[] message = writer.encrypt(data(10), Map.of());

    Envelope wrongKey =
        Envelope.builder()
            .keyring(
                ours(RawRsaKeyring.Padding.OAEP_SHA256_MGF1).privateKey(OTHER.getPrivate()).build())
            .build();
    Envelope wrongPadding =
        Envelope.builder()
            .keyring(
                ours(RawRsaKeyring.Padding.OAEP_SHA1_MGF1).privateKey(PAIR.getPrivate()).build())
            .build();
    for (Envelope reader : List.of(wrongKey, wrongPadding)) {
      assertThatThrownBy(() -> reader.decrypt(message))
          .isInstanceOf(NoUsableDataKeyException.class)
          .hasMessageContaining("does not decrypt with this private key and padding")
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain(
                          Base64.getEncoder()
                              .encodeToString(PAIR.getPrivate().getEncoded())
                              .substring(0, 40)));
    }

    Envelope otherName =
        Envelope.builder()
            .keyring(
                RawRsaKeyring.builder()
                    .keyNamespace(NAMESPACE)
                    .keyName("other")
                    .padding(RawRsaKeyring.Padding.OAEP_SHA256_MGF1)
                    .privateKey(PAIR.getPrivate())
                    .build())
            .build();
    assertThatThrownBy(() -> otherName.decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("none of the message's 1 encrypted data key");
  }

  @Test
  void multiKeyringFallsThroughToTheKeyThatWorks() {
    RawRsaKeyring publicOnly =
        ours(RawRsaKeyring.Padding.OAEP_SHA512_MGF1).publicKey(PAIR.getPublic()).build();
    RawAesKeyring aes =
        RawAesKeyring.builder().keyNamespace("aes").keyName("k").wrappingKey(new byte[32]).build();
    Envelope envelope = Envelope.builder().keyring(MultiKeyring.of(aes, publicOnly)).build();
    byte[] message = envelope.encrypt(data(100), Map.of());
    Envelope reader = Envelope.builder().keyring(MultiKeyring.of(publicOnly, aes)).build();
    assertThat(reader.decrypt(message).plaintext()).isEqualTo(data(100));
  }

  @Test
  void builderChecksKeys() {
    assertThatThrownBy(() -> ours(RawRsaKeyring.Padding.PKCS1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("publicKey");
    assertThatThrownBy(
            () ->
                ours(RawRsaKeyring.Padding.PKCS1).publicKey(generate(1024, 3).getPublic()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024 bits is too small");
    assertThatThrownBy(
            () ->
                ours(RawRsaKeyring.Padding.PKCS1)
                    .publicKey(PAIR.getPublic())
                    .privateKey(OTHER.getPrivate())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one RSA key pair");
    // 1024 bits cannot carry a 32-byte key under OAEP-SHA512 (128 - 2*64 - 2 < 32), even for
    // decryption.
    assertThatThrownBy(
            () ->
                ours(RawRsaKeyring.Padding.OAEP_SHA512_MGF1)
                    .privateKey(generate(1024, 3).getPrivate())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small for padding");
    assertThatThrownBy(
            () ->
                RawRsaKeyring.builder()
                    .keyNamespace("aws-kms")
                    .keyName("x")
                    .padding(RawRsaKeyring.Padding.PKCS1)
                    .publicKey(PAIR.getPublic())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> ours(RawRsaKeyring.Padding.PKCS1).publicKey(ecPublicKey()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an RSA key");
    // Old 1024-bit keys may still read data written with PKCS#1 v1.5 or OAEP-SHA1.
    assertThat(
            ours(RawRsaKeyring.Padding.OAEP_SHA1_MGF1)
                .privateKey(generate(1024, 3).getPrivate())
                .build()
                .canDecrypt())
        .isTrue();
  }

  @Test
  void toStringNamesTheKeyButNoMaterial() {
    RawRsaKeyring keyring =
        ours(RawRsaKeyring.Padding.OAEP_SHA256_MGF1)
            .publicKey(PAIR.getPublic())
            .privateKey(PAIR.getPrivate())
            .build();
    assertThat(keyring.toString())
        .contains(NAMESPACE, NAME, "2048-bit", "OAEP_SHA256_MGF1", "encrypt+decrypt")
        .doesNotContain(
            ((java.security.interfaces.RSAKey) PAIR.getPublic())
                .getModulus()
                .toString(16)
                .substring(0, 16));
  }

  private static java.security.PublicKey ecPublicKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      return g.generateKeyPair().getPublic();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

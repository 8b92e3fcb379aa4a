package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Every one of the 11 algorithm suites decrypts, one-shot and streamed, from messages the official
 * ESDK for Java writes: framed with an empty final frame (plaintext an exact multiple of the frame
 * length), and for the legacy suites also non-framed. Legacy suites need {@code
 * REQUIRE_ENCRYPT_ALLOW_DECRYPT}. The official vector archives cover the 11 suites too (see {@code
 * vectors/OfficialDecryptVectorsTest}); their messages never end in an empty frame.
 */
class AllSuitesDecryptTest {
  private static final byte[] KEY = new byte[32];
  private static final Map<String, String> CONTEXT = Map.of("suite", "all");

  static {
    new Random(11).nextBytes(KEY);
  }

  private static final IKeyring ESDK_KEYRING =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build()
          .CreateRawAesKeyring(
              CreateRawAesKeyringInput.builder()
                  .keyNamespace("ns")
                  .keyName("k")
                  .wrappingKey(ByteBuffer.wrap(KEY.clone()))
                  .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                  .build());
  private static final RawAesKeyring KEYRING =
      RawAesKeyring.builder().keyNamespace("ns").keyName("k").wrappingKey(KEY).build();

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void everySuiteDecryptsIncludingAnEmptyFinalFrame(AlgorithmSuite suite) throws IOException {
    int frame = 1024;
    byte[] plaintext = new byte[3 * frame];
    new Random(suite.id()).nextBytes(plaintext);
    byte[] message = esdk(suite, frame).encryptData(ESDK_KEYRING, plaintext, CONTEXT).getResult();

    MessageHeader header =
        MessageHeader.parse(message, 0, message.length, new DecryptionLimits(10, 1 << 20, 1 << 24));
    assertThat(header.suite()).isEqualTo(suite);
    int finalFrame = header.length() + 3 * (4 + 12 + frame + 16);
    ByteBuffer b = ByteBuffer.wrap(message, finalFrame, 24);
    assertThat(b.getInt()).as("final frame marker").isEqualTo(-1);
    assertThat(b.getInt()).as("final frame sequence number").isEqualTo(4);
    b.position(b.position() + 12);
    assertThat(b.getInt()).as("final frame content length").isZero();

    assertDecrypts(suite, message, plaintext);
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void legacySuitesDecryptNonFramed(AlgorithmSuite suite) throws IOException {
    byte[] plaintext = new byte[2000];
    new Random(suite.id() + 1).nextBytes(plaintext);
    byte[] message = esdk(suite, 0).encryptData(ESDK_KEYRING, plaintext, CONTEXT).getResult();
    assertThat(
            MessageHeader.parse(
                    message, 0, message.length, new DecryptionLimits(10, 1 << 20, 1 << 24))
                .contentType())
        .isEqualTo(MessageHeader.CONTENT_TYPE_NON_FRAMED);
    assertDecrypts(suite, message, plaintext);
  }

  private static void assertDecrypts(AlgorithmSuite suite, byte[] message, byte[] plaintext)
      throws IOException {
    Envelope permissive =
        Envelope.builder()
            .keyring(KEYRING)
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .build();
    DecryptResult result = permissive.decrypt(message, CONTEXT);
    assertThat(result.plaintext()).isEqualTo(plaintext);
    assertThat(result.algorithmSuite()).isEqualTo(suite);
    try (InputStream in = permissive.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
      assertThat(in.readAllBytes()).isEqualTo(plaintext);
    }
    Envelope strict = Envelope.builder().keyring(KEYRING).build();
    if (suite.isCommitting()) {
      assertThat(strict.decrypt(message, CONTEXT).plaintext()).isEqualTo(plaintext);
    } else {
      assertThatThrownBy(() -> strict.decrypt(message, CONTEXT))
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("REQUIRE_ENCRYPT_ALLOW_DECRYPT");
    }
  }

  private static AwsCrypto esdk(AlgorithmSuite suite, int frame) {
    return AwsCrypto.builder()
        .withCommitmentPolicy(
            suite.isCommitting()
                ? com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptRequireDecrypt
                : com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
        .withEncryptionAlgorithm(
            CryptoAlgorithm.deserialize((byte) suite.messageFormatVersion(), suite.id()))
        .withEncryptionFrameSize(frame)
        .build();
  }
}

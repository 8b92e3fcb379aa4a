package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.K1;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoResult;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.cryptography.keystore.KeyStore;
import software.amazon.cryptography.keystore.model.BranchKeyMaterials;
import software.amazon.cryptography.keystore.model.CreateKeyInput;
import software.amazon.cryptography.keystore.model.CreateKeyStoreInput;
import software.amazon.cryptography.keystore.model.GetActiveBranchKeyInput;
import software.amazon.cryptography.keystore.model.GetBranchKeyVersionInput;
import software.amazon.cryptography.keystore.model.KMSConfiguration;
import software.amazon.cryptography.keystore.model.KeyStoreConfig;
import software.amazon.cryptography.keystore.model.VersionKeyInput;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsHierarchicalKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Byte compatibility with the official AWS Material Providers Library 1.7.0 and AWS Encryption SDK
 * 3.0.2: the MPL's own {@code KeyStore} and Envelope's {@link DynamoDbBranchKeyStore} share one
 * table on moto_server and one KMS key in the local KMS; branch keys made by either are read by
 * both, and messages written by either hierarchical keyring decrypt with the other, before and
 * after rotations by either side.
 */
class HierarchicalKeyringInteropTest {
  private static final String TABLE = "SharedBranchKeys";
  private static final String LOGICAL = "shared-branch-keys";
  private static final byte[] PLAINTEXT =
      "interop: Envelope <-> MPL hierarchy".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT =
      Map.of("table", "orders", "column", "card", "id", "42");

  static MotoServer moto;
  static DynamoDbClient ddb;
  static KmsFixture kms;
  static KmsClient mplKms;
  static KeyStore mplStore;
  static DynamoDbBranchKeyStore ours;
  static MaterialProviders mpl;
  static final AwsCrypto crypto = AwsCrypto.standard();

  @BeforeAll
  static void start() {
    moto = MotoServer.start();
    ddb = moto.client();
    kms = new KmsFixture();
    mplKms = kms.kms.kmsClientFor("A_APP");
    mplStore =
        KeyStore.builder()
            .KeyStoreConfig(
                KeyStoreConfig.builder()
                    .ddbClient(ddb)
                    .ddbTableName(TABLE)
                    .logicalKeyStoreName(LOGICAL)
                    .kmsClient(mplKms)
                    .kmsConfiguration(KMSConfiguration.builder().kmsKeyArn(K1).build())
                    .build())
            .build();
    // The MPL creates the table; Envelope's store then uses it as it is.
    mplStore.CreateKeyStore(CreateKeyStoreInput.builder().build());
    ours =
        DynamoDbBranchKeyStore.builder()
            .dynamoDbClient(ddb)
            .tableName(TABLE)
            .logicalKeyStoreName(LOGICAL)
            .kmsKeyArn(K1)
            .kmsClientSupplier(kms.clients("A_APP"))
            .build();
    mpl =
        MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
            .build();
  }

  @AfterAll
  static void stop() {
    if (kms != null) {
      kms.close();
    }
    if (ddb != null) {
      ddb.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static IKeyring mplKeyring(String branchKeyId) {
    // A new keyring each time: its own cache, so it reads the store as it is now.
    return mpl.CreateAwsKmsHierarchicalKeyring(
        CreateAwsKmsHierarchicalKeyringInput.builder()
            .keyStore(mplStore)
            .branchKeyId(branchKeyId)
            .ttlSeconds(600L)
            .build());
  }

  private static Envelope envelope(String branchKeyId, AlgorithmSuite suite) {
    return Envelope.builder()
        .algorithmSuite(suite)
        .keyring(
            HierarchicalKeyring.builder()
                .keyStore(ours)
                .branchKeyId(branchKeyId)
                .ttl(Duration.ofMinutes(10))
                .build())
        .build();
  }

  private static Envelope envelope(String branchKeyId) {
    return envelope(branchKeyId, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
  }

  private static String utf8(ByteBuffer b) {
    ByteBuffer copy = b.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer copy = b.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void aBranchKeyMadeByTheMplWorksBothWays(AlgorithmSuite suite) {
    String id = mplStore.CreateKey(CreateKeyInput.builder().build()).branchKeyIdentifier();

    byte[] fromUs = envelope(id, suite).encrypt(PLAINTEXT, CONTEXT);
    CryptoResult<byte[], ?> esdk = crypto.decryptData(mplKeyring(id), fromUs);
    assertThat(esdk.getResult()).isEqualTo(PLAINTEXT);
    assertThat(esdk.getEncryptionContext()).containsAllEntriesOf(CONTEXT);

    byte[] fromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT, CONTEXT).getResult();
    assertThat(envelope(id).decrypt(fromEsdk, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void bothStoresReadTheSameBranchKeyAlike() {
    String mplMade = mplStore.CreateKey(CreateKeyInput.builder().build()).branchKeyIdentifier();
    String ourMade =
        ours.createBranchKey(
            "envelope-made-" + java.util.UUID.randomUUID(), Map.of("dept", "admin"));
    for (String id : new String[] {mplMade, ourMade}) {
      BranchKeyMaterials theirs =
          mplStore
              .GetActiveBranchKey(GetActiveBranchKeyInput.builder().branchKeyIdentifier(id).build())
              .branchKeyMaterials();
      try (dev.envelope.aws.BranchKeyMaterials mine = ours.activeBranchKey(id)) {
        assertThat(mine.version()).isEqualTo(theirs.branchKeyVersion());
        assertThat(mine.withKey(byte[]::clone)).isEqualTo(bytes(theirs.branchKey()));
        assertThat(mine.encryptionContext()).isEqualTo(theirs.encryptionContext());
      }
    }
    assertThat(
            mplStore
                .GetActiveBranchKey(
                    GetActiveBranchKeyInput.builder().branchKeyIdentifier(ourMade).build())
                .branchKeyMaterials()
                .encryptionContext())
        .isEqualTo(Map.of("dept", "admin"));
  }

  @Test
  void aBranchKeyMadeByEnvelopeWorksBothWays() {
    String id = ours.createBranchKey();
    byte[] fromUs = envelope(id).encrypt(PLAINTEXT, CONTEXT);
    assertThat(crypto.decryptData(mplKeyring(id), fromUs).getResult()).isEqualTo(PLAINTEXT);
    byte[] fromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT, CONTEXT).getResult();
    assertThat(envelope(id).decrypt(fromEsdk).plaintext()).isEqualTo(PLAINTEXT);

    // An empty context serializes to no bytes in the wrapping AAD, on both sides.
    byte[] emptyFromUs = envelope(id).encrypt(PLAINTEXT, Map.of());
    assertThat(crypto.decryptData(mplKeyring(id), emptyFromUs).getResult()).isEqualTo(PLAINTEXT);
    byte[] emptyFromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT).getResult();
    assertThat(envelope(id).decrypt(emptyFromEsdk).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void rotationsByEitherSideKeepEveryMessageReadable() {
    String id = mplStore.CreateKey(CreateKeyInput.builder().build()).branchKeyIdentifier();
    byte[] v1FromUs = envelope(id).encrypt(PLAINTEXT, CONTEXT);
    byte[] v1FromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT, CONTEXT).getResult();

    // The MPL rotates; both sides now write under version 2.
    mplStore.VersionKey(VersionKeyInput.builder().branchKeyIdentifier(id).build());
    String v2 = ours.describeBranchKey(id).activeVersion();
    assertThat(
            utf8(
                ByteBuffer.wrap(
                    mplStore
                        .GetActiveBranchKey(
                            GetActiveBranchKeyInput.builder().branchKeyIdentifier(id).build())
                        .branchKeyMaterials()
                        .branchKeyVersion()
                        .getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(v2);
    byte[] v2FromUs = envelope(id).encrypt(PLAINTEXT, CONTEXT);
    byte[] v2FromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT, CONTEXT).getResult();

    // Envelope rotates; the MPL reads the new active version and its predecessor.
    String v3 = ours.versionBranchKey(id);
    assertThat(
            mplStore
                .GetActiveBranchKey(
                    GetActiveBranchKeyInput.builder().branchKeyIdentifier(id).build())
                .branchKeyMaterials()
                .branchKeyVersion())
        .isEqualTo(v3);
    assertThat(
            mplStore
                .GetBranchKeyVersion(
                    GetBranchKeyVersionInput.builder()
                        .branchKeyIdentifier(id)
                        .branchKeyVersion(v2)
                        .build())
                .branchKeyMaterials()
                .branchKeyVersion())
        .isEqualTo(v2);
    byte[] v3FromUs = envelope(id).encrypt(PLAINTEXT, CONTEXT);
    byte[] v3FromEsdk = crypto.encryptData(mplKeyring(id), PLAINTEXT, CONTEXT).getResult();

    assertThat(ours.describeBranchKey(id).versions()).hasSize(3);
    for (byte[] message :
        new byte[][] {v1FromUs, v1FromEsdk, v2FromUs, v2FromEsdk, v3FromUs, v3FromEsdk}) {
      assertThat(envelope(id).decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
      assertThat(crypto.decryptData(mplKeyring(id), message).getResult()).isEqualTo(PLAINTEXT);
    }
  }
}

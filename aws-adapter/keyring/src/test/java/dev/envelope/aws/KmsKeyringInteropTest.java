package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.A;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.K1;
import static dev.envelope.aws.KmsFixture.K2;
import static dev.envelope.aws.KmsFixture.MRK_EAST;
import static dev.envelope.aws.KmsFixture.MRK_WEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.kmssdkv2.KmsMasterKeyProvider;
import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptResult;
import dev.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMrkDiscoveryKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMrkKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.DiscoveryFilter;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Messages from {@link KmsKeyring} decrypt with the official AWS Encryption SDK 3.0.2 KMS keyrings
 * (Material Providers Library) and its {@code KmsMasterKeyProvider}, and the reverse, all against
 * the same local KMS.
 */
class KmsKeyringInteropTest {
  private static final byte[] PLAINTEXT =
      "interop: Envelope <-> AWS Encryption SDK".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "purpose", "interop");

  static KmsFixture fixture;
  static KmsClientSupplier ours;
  static MaterialProviders mpl;
  static final Map<String, KmsClient> esdkClients = new ConcurrentHashMap<>();
  static final AwsCrypto crypto = AwsCrypto.standard();

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    ours = fixture.clients("A_APP");
    mpl =
        MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
            .build();
  }

  @AfterAll
  static void stop() {
    fixture.close(); // also closes the clients made by kmsClientFor
  }

  private static KmsClient esdkClient(String region) {
    return esdkClients.computeIfAbsent(region, r -> fixture.kms.kmsClientFor("A_APP", r));
  }

  private static IKeyring esdkKeyring(String keyArn) {
    return mpl.CreateAwsKmsKeyring(
        CreateAwsKmsKeyringInput.builder()
            .kmsKeyId(keyArn)
            .kmsClient(esdkClient(KmsArn.parse(keyArn).region()))
            .build());
  }

  private static Envelope envelope(KmsKeyring keyring, AlgorithmSuite suite) {
    return Envelope.builder().keyring(keyring).algorithmSuite(suite).build();
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
      })
  void oursDecryptsWithTheEsdkKmsKeyring(AlgorithmSuite suite) {
    byte[] message =
        envelope(KmsKeyring.builder().generatorKeyId(K1).clientSupplier(ours).build(), suite)
            .encrypt(PLAINTEXT, CONTEXT);
    CryptoResult<byte[], ?> result = crypto.decryptData(esdkKeyring(K1), message);
    assertThat(result.getResult()).isEqualTo(PLAINTEXT);
    assertThat(result.getEncryptionContext()).containsAllEntriesOf(CONTEXT);
  }

  @Test
  void esdkKmsKeyringMessageDecryptsWithOurs() {
    byte[] message = crypto.encryptData(esdkKeyring(K1), PLAINTEXT, CONTEXT).getResult();
    DecryptResult result =
        envelope(
                KmsKeyring.builder().keyIds(K1).clientSupplier(ours).build(),
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .decrypt(message, CONTEXT);
    assertThat(result.plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void multiKeyInteropBothWays() {
    // ESDK multi-keyring (generator K1, plus K2) -> our keyring knowing only K2.
    IKeyring esdkMulti =
        mpl.CreateAwsKmsMultiKeyring(
            CreateAwsKmsMultiKeyringInput.builder()
                .generator(K1)
                .kmsKeyIds(List.of(K2))
                .clientSupplier(input -> esdkClient(input.region()))
                .build());
    byte[] fromEsdk = crypto.encryptData(esdkMulti, PLAINTEXT, CONTEXT).getResult();
    assertThat(
            envelope(
                    KmsKeyring.builder().keyIds(K2).clientSupplier(ours).build(),
                    AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
                .decrypt(fromEsdk)
                .plaintext())
        .isEqualTo(PLAINTEXT);

    // Ours (generator K1, plus K2) -> ESDK keyring knowing only K2.
    byte[] fromUs =
        envelope(
                KmsKeyring.builder().generatorKeyId(K1).keyIds(K2).clientSupplier(ours).build(),
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .encrypt(PLAINTEXT, CONTEXT);
    assertThat(crypto.decryptData(esdkKeyring(K2), fromUs).getResult()).isEqualTo(PLAINTEXT);
  }

  @Test
  void esdkMasterKeyProviderReadsOursAndWritesForUs() {
    KmsMasterKeyProvider provider =
        KmsMasterKeyProvider.builder()
            .customRegionalClientSupplier(region -> esdkClient(region.id()))
            .buildStrict(K1);
    byte[] fromUs =
        envelope(
                KmsKeyring.builder().generatorKeyId(K1).clientSupplier(ours).build(),
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .encrypt(PLAINTEXT, CONTEXT);
    assertThat(crypto.decryptData(provider, fromUs).getResult()).isEqualTo(PLAINTEXT);

    byte[] fromEsdk = crypto.encryptData(provider, PLAINTEXT, CONTEXT).getResult();
    assertThat(
            envelope(
                    KmsKeyring.builder().keyIds(K1).clientSupplier(ours).build(),
                    AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
                .decrypt(fromEsdk)
                .plaintext())
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void multiRegionKeysInteropAcrossReplicas() {
    // Ours writes under the west replica; the ESDK's MRK keyring reads with the east replica.
    byte[] fromUs =
        envelope(
                KmsKeyring.builder().generatorKeyId(MRK_WEST).clientSupplier(ours).build(),
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .encrypt(PLAINTEXT, CONTEXT);
    IKeyring esdkEast =
        mpl.CreateAwsKmsMrkKeyring(
            CreateAwsKmsMrkKeyringInput.builder()
                .kmsKeyId(MRK_EAST)
                .kmsClient(esdkClient(EAST))
                .build());
    assertThat(crypto.decryptData(esdkEast, fromUs).getResult()).isEqualTo(PLAINTEXT);
    IKeyring esdkDiscovery =
        mpl.CreateAwsKmsMrkDiscoveryKeyring(
            CreateAwsKmsMrkDiscoveryKeyringInput.builder()
                .kmsClient(esdkClient(EAST))
                .region(EAST)
                .discoveryFilter(
                    DiscoveryFilter.builder().partition("aws").accountIds(List.of(A)).build())
                .build());
    assertThat(crypto.decryptData(esdkDiscovery, fromUs).getResult()).isEqualTo(PLAINTEXT);

    // The ESDK writes under the east replica; ours reads with the west replica, and in discovery.
    byte[] fromEsdk = crypto.encryptData(esdkEast, PLAINTEXT, CONTEXT).getResult();
    assertThat(
            envelope(
                    KmsKeyring.builder().keyIds(MRK_WEST).clientSupplier(ours).build(),
                    AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
                .decrypt(fromEsdk)
                .plaintext())
        .isEqualTo(PLAINTEXT);
    assertThat(
            envelope(
                    KmsKeyring.builder()
                        .discovery(dev.envelope.aws.DiscoveryFilter.of("aws", A))
                        .discoveryRegion(EAST)
                        .clientSupplier(ours)
                        .build(),
                    AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
                .decrypt(fromEsdk)
                .plaintext())
        .isEqualTo(PLAINTEXT);
  }
}

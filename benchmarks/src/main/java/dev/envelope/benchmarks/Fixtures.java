package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.caching.CachingCryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.LocalCryptoMaterialsCache;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.CachingMaterialsManager;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * The same work set up for Envelope and for the official AWS Encryption SDK: one 256-bit raw AES
 * wrapping key, the same namespace and name (so each side can read the other's messages), the same
 * context.
 */
public final class Fixtures {
  public static final String NAMESPACE = "bench";
  public static final String KEY_NAME = "wrapping-key";
  public static final Map<String, String> CONTEXT =
      Map.of("tenant", "acme", "purpose", "benchmark");

  /**
   * Cache bounds used by both sides in the cached benchmarks. Age and capacity never bind during a
   * run; messages per key do, so both caches call their keyring once per {@code CACHE_MAX_MESSAGES}
   * records.
   */
  public static final long CACHE_MAX_MESSAGES = 1000;

  public static final Duration CACHE_MAX_AGE = Duration.ofMinutes(10);
  public static final int CACHE_CAPACITY = 1000;

  private static final byte[] WRAPPING_KEY = new byte[32];

  static {
    new Random(2026).nextBytes(WRAPPING_KEY);
  }

  private Fixtures() {}

  public static RawAesKeyring envelopeKeyring() {
    return RawAesKeyring.builder()
        .keyNamespace(NAMESPACE)
        .keyName(KEY_NAME)
        .wrappingKey(WRAPPING_KEY)
        .build();
  }

  public static Envelope envelope(AlgorithmSuite suite, int frameSize) {
    return Envelope.builder()
        .keyring(envelopeKeyring())
        .algorithmSuite(suite)
        .frameSize(frameSize)
        .build();
  }

  /**
   * Envelope with its data-key cache ({@link CachingMaterialsManager}) over the raw AES keyring.
   */
  public static Envelope cachedEnvelope(AlgorithmSuite suite, int frameSize) {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .keyring(envelopeKeyring())
            .maxAge(CACHE_MAX_AGE)
            .maxMessages(CACHE_MAX_MESSAGES)
            .capacity(CACHE_CAPACITY)
            .build();
    return Envelope.builder()
        .materialsManager(cache)
        .algorithmSuite(suite)
        .frameSize(frameSize)
        .build();
  }

  /**
   * The official ESDK's caching materials manager with the same bounds. ESDK 3.x's Material
   * Providers Library has no caching CMM, so the ESDK's own {@code CachingCryptoMaterialsManager}
   * over a {@code LocalCryptoMaterialsCache} is the peer; it takes a master key provider, so the
   * wrapping key is a {@link JceMasterKey} (wire-compatible with the raw AES keyring).
   */
  public static CachingCryptoMaterialsManager esdkCachingCmm() {
    return CachingCryptoMaterialsManager.newBuilder()
        .withMasterKeyProvider(esdkMasterKey())
        .withCache(new LocalCryptoMaterialsCache(CACHE_CAPACITY))
        .withMaxAge(CACHE_MAX_AGE.toMillis(), TimeUnit.MILLISECONDS)
        .withMessageUseLimit(CACHE_MAX_MESSAGES)
        .build();
  }

  /**
   * The ESDK's legacy master key for the wrapping key (wire-compatible with the raw AES keyring).
   */
  public static JceMasterKey esdkMasterKey() {
    return JceMasterKey.getInstance(
        new SecretKeySpec(WRAPPING_KEY.clone(), "AES"), NAMESPACE, KEY_NAME, "AES/GCM/NoPadding");
  }

  public static IKeyring esdkKeyring() {
    return MaterialProviders.builder()
        .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
        .build()
        .CreateRawAesKeyring(
            CreateRawAesKeyringInput.builder()
                .keyNamespace(NAMESPACE)
                .keyName(KEY_NAME)
                .wrappingKey(ByteBuffer.wrap(WRAPPING_KEY.clone()))
                .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                .build());
  }

  public static AwsCrypto esdk(AlgorithmSuite suite, int frameSize) {
    return AwsCrypto.builder()
        .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
        .withEncryptionAlgorithm(esdkSuite(suite))
        .withEncryptionFrameSize(frameSize)
        .build();
  }

  public static CryptoAlgorithm esdkSuite(AlgorithmSuite suite) {
    return switch (suite) {
      case AES_256_GCM_HKDF_SHA512_COMMIT_KEY ->
          CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
      case AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 ->
          CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
      default -> throw new IllegalArgumentException("not an encrypting suite: " + suite);
    };
  }

  public static byte[] randomBytes(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** Raw AES-256 key bytes for the JCE ceiling benchmarks. */
  public static byte[] rawKey() {
    return WRAPPING_KEY.clone();
  }
}

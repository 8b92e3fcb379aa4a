package dev.envelope.benchmarks.cache;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second of 1 KiB one-shot encrypt and decrypt with the data-key cache on: Envelope's
 * {@link CachingMaterialsManager} against the official AWS Encryption SDK's
 * {@code CachingCryptoMaterialsManager} over a {@code LocalCryptoMaterialsCache}, with the same raw AES
 * wrapping key, suite 0x0478 and the same bounds (max age, messages per key, capacity), on 1 and 2 threads.
 *
 * <p>Both sides cache, so the keyring is called once per {@code maxMessages} records; what is measured is
 * the cache's own overhead plus the message crypto. Decryption reads a pool of messages written under a few
 * cached keys, so it hits the decryption cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CachedRecordBenchmark {
  static final int RECORD_SIZE = 1024;
  static final int POOL = 256;
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "table", "orders");

  @Param({"envelope", "esdk"})
  public String impl;

  /** Messages per cached data key, the same bound for both implementations. */
  @Param({"1000"})
  public long maxMessages;

  private Codec codec;
  private byte[] record;
  private byte[][] messages;

  /** One implementation's encrypt and decrypt, both through its caching manager. */
  interface Codec {
    byte[] encrypt(byte[] plaintext);

    byte[] decrypt(byte[] message);
  }

  @Setup(Level.Trial)
  public void setUp() {
    byte[] wrappingKey = new byte[32];
    SecureRandom random = new SecureRandom();
    random.nextBytes(wrappingKey);
    record = new byte[RECORD_SIZE];
    random.nextBytes(record);
    Duration maxAge = Duration.ofMinutes(10);
    int capacity = 1000;
    codec = switch (impl) {
      case "envelope" -> envelope(wrappingKey, maxAge, capacity);
      case "esdk" -> esdk(wrappingKey, maxAge, capacity);
      default -> throw new IllegalArgumentException("impl " + impl);
    };
    messages = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      messages[i] = codec.encrypt(record);
    }
    if (!java.util.Arrays.equals(codec.decrypt(messages[0]), record)) {
      throw new IllegalStateException("round trip failed");
    }
  }

  private Codec envelope(byte[] wrappingKey, Duration maxAge, int capacity) {
    RawAesKeyring keyring = RawAesKeyring.builder().keyNamespace("bench").keyName("key-1")
        .wrappingKey(wrappingKey).build();
    CachingMaterialsManager cache = CachingMaterialsManager.builder().keyring(keyring).maxAge(maxAge)
        .maxMessages(maxMessages).capacity(capacity).build();
    Envelope envelope = Envelope.builder().materialsManager(cache)
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
    return new Codec() {
      @Override
      public byte[] encrypt(byte[] plaintext) {
        return envelope.encrypt(plaintext, CONTEXT);
      }

      @Override
      public byte[] decrypt(byte[] message) {
        return envelope.decrypt(message, CONTEXT).plaintext();
      }
    };
  }

  private Codec esdk(byte[] wrappingKey, Duration maxAge, int capacity) {
    JceMasterKey masterKey = JceMasterKey.getInstance(new SecretKeySpec(wrappingKey, "AES"), "bench", "key-1",
        "AES/GCM/NoPadding");
    CachingCryptoMaterialsManager cache = CachingCryptoMaterialsManager.newBuilder()
        .withMasterKeyProvider(masterKey)
        .withCache(new LocalCryptoMaterialsCache(capacity))
        .withMaxAge(maxAge.toMillis(), TimeUnit.MILLISECONDS)
        .withMessageUseLimit(maxMessages)
        .build();
    AwsCrypto crypto = AwsCrypto.builder()
        .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
        .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
        .build();
    return new Codec() {
      @Override
      public byte[] encrypt(byte[] plaintext) {
        return crypto.encryptData(cache, plaintext, CONTEXT).getResult();
      }

      @Override
      public byte[] decrypt(byte[] message) {
        return crypto.decryptData(cache, message).getResult();
      }
    };
  }

  /** Which pooled message a thread decrypts next; per thread, so threads do not contend on it. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      int i = next;
      next = (i + 1) % POOL;
      return i;
    }
  }

  @Benchmark
  @Threads(1)
  public byte[] encrypt1Thread() {
    return codec.encrypt(record);
  }

  @Benchmark
  @Threads(2)
  public byte[] encrypt2Threads() {
    return codec.encrypt(record);
  }

  @Benchmark
  @Threads(1)
  public byte[] decrypt1Thread(Cursor cursor) {
    return codec.decrypt(messages[cursor.advance()]);
  }

  @Benchmark
  @Threads(2)
  public byte[] decrypt2Threads(Cursor cursor) {
    return codec.decrypt(messages[cursor.advance()]);
  }
}

package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.K1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hierarchical keyring over a real store (JDBC on H2) and the local KMS over HTTP: KMS calls
 * per branch key per TTL, single flight, expiry, refresh ahead, zeroing, the branch key supplier,
 * metrics and failures.
 */
class HierarchicalKeyringTest {
  private static final String URL =
      "jdbc:h2:mem:keyring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private static final byte[] PLAINTEXT = "a record".getBytes(StandardCharsets.UTF_8);
  private static final Duration TTL = Duration.ofMinutes(10);

  static KmsFixture kms;
  static Connection keepAlive;
  static JdbcBranchKeyStore store;

  @BeforeAll
  static void start() throws SQLException {
    kms = new KmsFixture();
    keepAlive = DriverManager.getConnection(URL);
    store =
        JdbcBranchKeyStore.builder()
            .jdbcUrl(URL, new Properties())
            .tableName("branch_keys")
            .kmsKeyArn(K1)
            .kmsClientSupplier(kms.clients("A_APP"))
            .build();
    store.createTable();
  }

  @AfterAll
  static void stop() throws SQLException {
    keepAlive.close();
    kms.close();
  }

  private static long kmsDecrypts() {
    return kms.kms.auditLog().events(e -> "Decrypt".equals(e.operation())).size();
  }

  private static Envelope envelope(HierarchicalKeyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  /** A ticker the test moves by hand. */
  static final class ManualTicker implements Ticker {
    final AtomicLong nanos = new AtomicLong(1);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  /** Counts reads and can slow them down, around the real store. */
  static final class CountingStore implements BranchKeyStore {
    final BranchKeyStore delegate;
    final AtomicInteger reads = new AtomicInteger();
    volatile long delayMillis;

    CountingStore(BranchKeyStore delegate) {
      this.delegate = delegate;
    }

    private void read() {
      reads.incrementAndGet();
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String logicalKeyStoreName() {
      return delegate.logicalKeyStoreName();
    }

    @Override
    public String description() {
      return delegate.description();
    }

    @Override
    public String createBranchKey(String branchKeyId, Map<String, String> encryptionContext) {
      return delegate.createBranchKey(branchKeyId, encryptionContext);
    }

    @Override
    public String versionBranchKey(String branchKeyId) {
      return delegate.versionBranchKey(branchKeyId);
    }

    @Override
    public BranchKeyMaterials activeBranchKey(String branchKeyId) {
      read();
      return delegate.activeBranchKey(branchKeyId);
    }

    @Override
    public BranchKeyMaterials branchKeyVersion(String branchKeyId, String version) {
      read();
      return delegate.branchKeyVersion(branchKeyId, version);
    }

    @Override
    public BranchKeyDescription describeBranchKey(String branchKeyId) {
      return delegate.describeBranchKey(branchKeyId);
    }
  }

  @Test
  void manyRecordsWithDistinctContextsCostOneKmsCallPerBranchKeyVersionAndDirection() {
    String id = store.createBranchKey();
    Envelope envelope =
        envelope(HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build());
    long before = kmsDecrypts();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      messages.add(
          envelope.encrypt(PLAINTEXT, Map.of("table", "orders", "id", Integer.toString(i))));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(
              envelope
                  .decrypt(messages.get(i), Map.of("table", "orders", "id", Integer.toString(i)))
                  .plaintext())
          .isEqualTo(PLAINTEXT);
    }
    // One Decrypt for the active branch key (encryption), one for its version (decryption).
    assertThat(kmsDecrypts() - before).isEqualTo(2);
  }

  @Test
  void theEncryptedDataKeyHasTheSpecifiedLayout() {
    String id = store.createBranchKey();
    String version = store.describeBranchKey(id).activeVersion();
    HierarchicalKeyring keyring =
        HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build();
    try (EncryptionMaterials m =
        keyring.onEncrypt(
            EncryptionMaterials.of(
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, Map.of("a", "b"), null))) {
      EncryptedDataKey edk = m.encryptedDataKeys().get(0);
      assertThat(edk.providerId()).isEqualTo("aws-kms-hierarchy");
      assertThat(edk.providerInfoUtf8()).isEqualTo(id);
      // salt 16, IV 12, version 16, key 32, tag 16
      assertThat(edk.ciphertextLength()).isEqualTo(92);
      assertThat(HierarchyWrapping.version(edk.ciphertext())).isEqualTo(version);
      // The data key unwraps with the branch key, and only under the same context.
      try (BranchKeyMaterials bk = store.activeBranchKey(id)) {
        byte[] unwrapped =
            bk.withKey(
                k -> HierarchyWrapping.unwrap(k, id, version, edk.ciphertext(), Map.of("a", "b")));
        assertThat(unwrapped).isEqualTo(m.dataKey().bytes());
        assertThat(
                (Object)
                    bk.withKey(
                        k ->
                            HierarchyWrapping.unwrap(
                                k, id, version, edk.ciphertext(), Map.of("a", "c"))))
            .isNull();
      }
    }
  }

  @Test
  void concurrentMissesMakeOneStoreRead() throws Exception {
    CountingStore counting = new CountingStore(store);
    counting.delayMillis = 300;
    String id = store.createBranchKey();
    Envelope envelope =
        envelope(HierarchicalKeyring.builder().keyStore(counting).branchKeyId(id).ttl(TTL).build());
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return envelope.encrypt(PLAINTEXT, Map.of());
                }));
      }
      go.countDown();
      for (Future<byte[]> f : results) {
        assertThat(envelope.decrypt(f.get()).plaintext()).isEqualTo(PLAINTEXT);
      }
    } finally {
      pool.shutdownNow();
    }
    // One read for all eight encryptions, one for all eight decryptions.
    assertThat(counting.reads).hasValue(2);
  }

  @Test
  void anExpiredBranchKeyIsReadAgainAndTheOldOneZeroed() {
    CountingStore counting = new CountingStore(store);
    String id = store.createBranchKey();
    ManualTicker ticker = new ManualTicker();
    BranchKeyCache cache = BranchKeyCache.withCapacity(10, ticker);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HierarchicalKeyring keyring =
        HierarchicalKeyring.builder()
            .keyStore(counting)
            .branchKeyId(id)
            .ttl(TTL)
            .cache(cache)
            .partitionId("p1")
            .meterRegistry(registry)
            .build();
    Envelope envelope = envelope(keyring);
    envelope.encrypt(PLAINTEXT, Map.of());
    BranchKeyMaterials first = cache.cache.asMap().values().iterator().next().materials;
    ticker.advance(TTL.minusSeconds(1));
    envelope.encrypt(PLAINTEXT, Map.of());
    assertThat(counting.reads).hasValue(1);
    ticker.advance(Duration.ofSeconds(2));
    envelope.encrypt(PLAINTEXT, Map.of());
    assertThat(counting.reads).hasValue(2);
    cache.cache.cleanUp();
    assertThat(first.isDestroyed()).isTrue();
    assertThat((Object) first.withKey(k -> k)).isNull();
    assertThat(
            registry.get("envelope.hierarchy.cache.hits").tag("partition", "p1").counter().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("envelope.hierarchy.cache.misses")
                .tag("partition", "p1")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry.get("envelope.hierarchy.store.calls").tag("partition", "p1").counter().count())
        .isEqualTo(2);
    assertThat(
            registry
                    .get("envelope.hierarchy.cache.evictions")
                    .tag("partition", "p1")
                    .tag("cause", "replaced")
                    .counter()
                    .count()
                + registry
                    .get("envelope.hierarchy.cache.evictions")
                    .tag("partition", "p1")
                    .tag("cause", "expired")
                    .counter()
                    .count())
        .isEqualTo(1);
  }

  @Test
  void refreshAheadReplacesTheKeyBeforeItExpires() {
    CountingStore counting = new CountingStore(store);
    String id = store.createBranchKey();
    ManualTicker ticker = new ManualTicker();
    BranchKeyCache cache = BranchKeyCache.withCapacity(10, ticker);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Envelope envelope =
        envelope(
            HierarchicalKeyring.builder()
                .keyStore(counting)
                .branchKeyId(id)
                .ttl(TTL)
                .cache(cache)
                .partitionId("r")
                .meterRegistry(registry)
                .refreshAhead(true)
                .refreshExecutor(Runnable::run)
                .build());
    envelope.encrypt(PLAINTEXT, Map.of());
    BranchKeyMaterials first = cache.cache.asMap().values().iterator().next().materials;
    ticker.advance(Duration.ofSeconds((long) (TTL.toSeconds() * 0.95)));
    envelope.encrypt(PLAINTEXT, Map.of()); // served by the old key; starts the refresh
    assertThat(counting.reads).hasValue(2);
    assertThat(first.isDestroyed()).isTrue();
    ticker.advance(Duration.ofSeconds((long) (TTL.toSeconds() * 0.1)));
    envelope.encrypt(PLAINTEXT, Map.of()); // the refreshed key is young: a hit, no read
    assertThat(counting.reads).hasValue(2);
    assertThat(registry.get("envelope.hierarchy.cache.refreshes").counter().count()).isEqualTo(1);
    assertThat(registry.get("envelope.hierarchy.cache.misses").counter().count()).isEqualTo(1);
  }

  @Test
  void aFullCacheEvictsAndZeroes() {
    String a = store.createBranchKey();
    String b = store.createBranchKey();
    BranchKeyCache cache = BranchKeyCache.withCapacity(1);
    Map<String, String> tenants = Map.of("a", a, "b", b);
    Envelope envelope =
        envelope(
            HierarchicalKeyring.builder()
                .keyStore(store)
                .branchKeyIdSupplier(ctx -> tenants.get(ctx.get("tenant")))
                .ttl(TTL)
                .cache(cache)
                .build());
    byte[] forA = envelope.encrypt(PLAINTEXT, Map.of("tenant", "a"));
    BranchKeyMaterials first = cache.cache.asMap().values().iterator().next().materials;
    byte[] forB = envelope.encrypt(PLAINTEXT, Map.of("tenant", "b"));
    cache.cache.cleanUp();
    assertThat(cache.estimatedSize()).isEqualTo(1);
    assertThat(first.isDestroyed()).isTrue();
    assertThat(envelope.decrypt(forA).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(envelope.decrypt(forB).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void theSupplierPicksEachTenantsBranchKey() {
    String acme = store.createBranchKey();
    String globex = store.createBranchKey();
    Map<String, String> tenants = Map.of("acme", acme, "globex", globex);
    Envelope envelope =
        envelope(
            HierarchicalKeyring.builder()
                .keyStore(store)
                .branchKeyIdSupplier(ctx -> tenants.get(ctx.get("tenant")))
                .ttl(TTL)
                .build());
    byte[] acmeMessage = envelope.encrypt(PLAINTEXT, Map.of("tenant", "acme"));
    assertThat(envelope.decrypt(acmeMessage).plaintext()).isEqualTo(PLAINTEXT);
    // A keyring bound to globex's branch key recognises no data key of acme's message.
    Envelope globexOnly =
        envelope(
            HierarchicalKeyring.builder().keyStore(store).branchKeyId(globex).ttl(TTL).build());
    assertThatThrownBy(() -> globexOnly.decrypt(acmeMessage))
        .isInstanceOf(NoUsableDataKeyException.class);
    // A context that names no tenant fails, typed and explained.
    assertThatThrownBy(() -> envelope.encrypt(PLAINTEXT, Map.of("tenant", "initech")))
        .isInstanceOf(KeyProviderException.class)
        .hasMessageContaining("returned no branch key id")
        .hasMessageContaining("[tenant]");
  }

  @Test
  void afterRotationNewMessagesUseTheNewVersionAndOldOnesStillDecrypt() {
    String id = store.createBranchKey();
    String first = store.describeBranchKey(id).activeVersion();
    ManualTicker ticker = new ManualTicker();
    Envelope envelope =
        envelope(
            HierarchicalKeyring.builder()
                .keyStore(store)
                .branchKeyId(id)
                .ttl(TTL)
                .cache(BranchKeyCache.withCapacity(10, ticker))
                .build());
    byte[] before = envelope.encrypt(PLAINTEXT, Map.of());
    String second = store.versionBranchKey(id);
    ticker.advance(TTL.plusSeconds(1)); // encryptors pick up a rotation within one TTL
    byte[] after = envelope.encrypt(PLAINTEXT, Map.of());
    assertThat(versionOf(before)).isEqualTo(first);
    assertThat(versionOf(after)).isEqualTo(second);
    assertThat(envelope.decrypt(before).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(envelope.decrypt(after).plaintext()).isEqualTo(PLAINTEXT);
  }

  private static String versionOf(byte[] message) {
    // The single EDK's ciphertext ends the EDK section; find it by the provider id in the header.
    byte[] id = "aws-kms-hierarchy".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < message.length - id.length; i++) {
      if (java.util.Arrays.equals(message, i, i + id.length, id, 0, id.length)) {
        int p = i + id.length;
        int infoLength = ((message[p] & 0xff) << 8) | (message[p + 1] & 0xff);
        p += 2 + infoLength + 2; // provider info, then the ciphertext length
        return HierarchyWrapping.version(java.util.Arrays.copyOfRange(message, p, p + 92));
      }
    }
    throw new AssertionError("no aws-kms-hierarchy data key");
  }

  @Test
  void aMissingBranchKeyFailsEncryptionTypedAndNamed() {
    Envelope envelope =
        envelope(
            HierarchicalKeyring.builder().keyStore(store).branchKeyId("nope").ttl(TTL).build());
    assertThatThrownBy(() -> envelope.encrypt(PLAINTEXT, Map.of()))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(BranchKeyStoreException.Reason.BRANCH_KEY_NOT_FOUND))
        .hasMessageContaining("nope")
        .hasMessageContaining(K1);
  }

  @Test
  void aStoreThatIsDownFailsEveryWaiterOnceAndFast() throws Exception {
    CountingStore down =
        new CountingStore(
            JdbcBranchKeyStore.builder()
                .jdbcUrl("jdbc:h2:tcp://127.0.0.1:1/nothing", new Properties())
                .tableName("branch_keys")
                .kmsKeyArn(K1)
                .kmsClientSupplier(kms.clients("A_APP"))
                .build());
    down.delayMillis = 200;
    Envelope envelope =
        envelope(HierarchicalKeyring.builder().keyStore(down).branchKeyId("k").ttl(TTL).build());
    int threads = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<Throwable>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    envelope.encrypt(PLAINTEXT, Map.of());
                    return null;
                  } catch (RuntimeException e) {
                    return e;
                  }
                }));
      }
      go.countDown();
      for (Future<Throwable> f : results) {
        assertThat(f.get())
            .isInstanceOfSatisfying(
                BranchKeyStoreException.class,
                e ->
                    assertThat(e.reason())
                        .isEqualTo(BranchKeyStoreException.Reason.STORE_UNAVAILABLE))
            .hasMessageContaining("127.0.0.1:1");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(20.0);
    // Waiters share the loader's failure; a later call tries the store again.
    assertThat(down.reads.get()).isBetween(1, threads);
    int before = down.reads.get();
    assertThatThrownBy(() -> envelope.encrypt(PLAINTEXT, Map.of()))
        .isInstanceOf(BranchKeyStoreException.class);
    assertThat(down.reads).hasValue(before + 1);
  }

  /**
   * A database that accepts connections and never answers: the H2 client has no read timeout of its
   * own, so only the keyring's load timeout stands between callers and a hang.
   */
  @Test
  void aStoreThatNeverAnswersFailsEveryCallerAfterTheLoadTimeout() throws Exception {
    String id = store.createBranchKey();
    byte[] message =
        envelope(HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build())
            .encrypt(PLAINTEXT, Map.of());
    String version = versionOf(message);
    try (SilentServer silent = SilentServer.start()) {
      List<Socket> accepted = silent.accepted();
      JdbcBranchKeyStore hanging =
          JdbcBranchKeyStore.builder()
              .jdbcUrl("jdbc:h2:tcp://127.0.0.1:" + silent.port() + "/mem:silent", new Properties())
              .tableName("branch_keys")
              .kmsKeyArn(K1)
              .kmsClientSupplier(kms.clients("A_APP"))
              .build();
      Envelope envelope =
          envelope(
              HierarchicalKeyring.builder()
                  .keyStore(hanging)
                  .branchKeyId(id)
                  .ttl(TTL)
                  .loadTimeout(Duration.ofSeconds(1))
                  .build());
      int threads = 4;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Throwable>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    long start = System.nanoTime();
                    try {
                      envelope.encrypt(PLAINTEXT, Map.of());
                      return null;
                    } catch (RuntimeException e) {
                      // Each caller waits its own timeout, not the one before it.
                      assertThat((System.nanoTime() - start) / 1e9).isBetween(0.9, 10.0);
                      return e;
                    }
                  }));
        }
        go.countDown();
        for (Future<Throwable> f : results) {
          assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS))
              .isInstanceOfSatisfying(
                  BranchKeyStoreException.class,
                  e -> {
                    assertThat(e.reason())
                        .isEqualTo(BranchKeyStoreException.Reason.STORE_UNAVAILABLE);
                    assertThat(e.branchKeyId()).contains(id);
                    assertThat(e.store()).isEqualTo(hanging.description());
                  })
              .hasMessageContaining(id + " (active version)")
              .hasMessageContaining("127.0.0.1:" + silent.port())
              .hasMessageContaining("load timeout of PT1S");
        }
      } finally {
        pool.shutdownNow();
      }
      // Decryption too, naming the version it needed.
      assertThatThrownBy(() -> envelope.decrypt(message))
          .isInstanceOfSatisfying(
              BranchKeyStoreException.class, e -> assertThat(e.version()).contains(version))
          .hasMessageContaining(id + " version " + version);
      // The encryptors shared one read: one connection, still hanging. Later callers wait for it
      // rather than piling up more.
      assertThat(accepted).hasSize(2); // the active version's read and the decryption's
      assertThatThrownBy(() -> envelope.encrypt(PLAINTEXT, Map.of()))
          .isInstanceOf(BranchKeyStoreException.class);
      assertThat(accepted).hasSize(2);

      // Once the database hangs up, the read fails, and the next caller reads again.
      silent.close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      Throwable last = null;
      while (System.nanoTime() < deadline) {
        try {
          envelope.encrypt(PLAINTEXT, Map.of());
        } catch (BranchKeyStoreException e) {
          last = e;
          if (!e.getMessage().contains("load timeout")) {
            break;
          }
        }
      }
      assertThat(last)
          .isInstanceOf(BranchKeyStoreException.class)
          .hasMessageNotContaining("load timeout");
    }
  }

  @Test
  void kmsDenialOnTheBranchKeyReachesTheCallerWithTheDiagnosis() {
    String id = store.createBranchKey();
    JdbcBranchKeyStore denied =
        JdbcBranchKeyStore.builder()
            .jdbcUrl(URL, new Properties())
            .tableName("branch_keys")
            .kmsKeyArn(K1)
            .kmsClientSupplier(kms.clients("B_NO_IAM"))
            .build();
    Envelope envelope =
        envelope(HierarchicalKeyring.builder().keyStore(denied).branchKeyId(id).ttl(TTL).build());
    assertThatThrownBy(() -> envelope.encrypt(PLAINTEXT, Map.of()))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(BranchKeyStoreException.Reason.KMS_FAILURE);
              assertThat(e.getCause()).isInstanceOf(KmsKeyProviderException.class);
            })
        .hasMessageContaining("AccessDeniedException")
        .hasMessageContaining(id)
        .hasMessageContaining(K1);
  }

  @Test
  void aDeletedVersionFailsDecryptionTypedAndNamed() throws SQLException {
    String id = store.createBranchKey();
    String version = store.describeBranchKey(id).activeVersion();
    byte[] message =
        envelope(HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build())
            .encrypt(PLAINTEXT, Map.of());
    store.versionBranchKey(id);
    try (var s =
        keepAlive.prepareStatement(
            "DELETE FROM branch_keys WHERE branch_key_id = ? AND item_type = ?")) {
      s.setString(1, id);
      s.setString(2, "branch:version:" + version);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    Envelope fresh =
        envelope(HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build());
    assertThatThrownBy(() -> fresh.decrypt(message))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(BranchKeyStoreException.Reason.VERSION_NOT_FOUND);
              assertThat(e.version()).contains(version);
            })
        .hasMessageContaining(id);
  }

  @Test
  void aTamperedDataKeyNeverYieldsPlaintext() {
    String id = store.createBranchKey();
    Envelope envelope =
        envelope(HierarchicalKeyring.builder().keyStore(store).branchKeyId(id).ttl(TTL).build());
    byte[] message = envelope.encrypt(PLAINTEXT, Map.of("k", "v"));
    byte[] marker = "aws-kms-hierarchy".getBytes(StandardCharsets.UTF_8);
    int at = -1;
    for (int i = 0; i < message.length - marker.length && at < 0; i++) {
      if (java.util.Arrays.equals(message, i, i + marker.length, marker, 0, marker.length)) {
        at = i;
      }
    }
    // Flip a bit of the wrapped key (after salt, IV and version).
    int wrapped = at + marker.length + 2 + id.length() + 2 + 44 + 3;
    message[wrapped] ^= 1;
    assertThatThrownBy(() -> envelope.decrypt(message))
        .isInstanceOf(KeyProviderException.class)
        .hasMessageContaining("did not authenticate");
  }

  @Test
  void theBuilderRefusesIncompleteConfiguration() {
    assertThatThrownBy(() -> HierarchicalKeyring.builder().keyStore(store).ttl(TTL).build())
        .hasMessageContaining("exactly one of branchKeyId and branchKeyIdSupplier");
    assertThatThrownBy(() -> HierarchicalKeyring.builder().keyStore(store).branchKeyId("x").build())
        .hasMessageContaining("ttl is required");
    assertThatThrownBy(() -> HierarchicalKeyring.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HierarchicalKeyring.builder().loadTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadTimeout must be positive");
    assertThat(
            HierarchicalKeyring.builder()
                .keyStore(store)
                .branchKeyId("x")
                .ttl(TTL)
                .partitionId("p")
                .build())
        .hasToString(
            "HierarchicalKeyring[branchKeyId=x, store="
                + store.description()
                + ", ttl=PT10M, partition=p]");
  }
}

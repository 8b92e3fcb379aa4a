package dev.envelope.aws;

import dev.envelope.KeyProviderException;
import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The AWS KMS hierarchical keyring: data keys are wrapped locally with a key derived from a branch
 * key, and branch keys come from a {@link BranchKeyStore}, where KMS protects them. Each process
 * calls KMS once per branch key version per TTL (to decrypt it), however many messages it writes or
 * reads, so a fleet stays within its KMS request quota and even messages with distinct encryption
 * contexts cost no KMS call each.
 *
 * <p>Byte-compatible with the AWS Material Providers Library's hierarchical keyring (AWS Encryption
 * SDK 3.x and later): encrypted data keys have provider id {@code aws-kms-hierarchy} and the branch
 * key id as provider info, with the same key derivation, AAD and ciphertext layout, so messages
 * decrypt both ways when both read the same key store (see {@link DynamoDbBranchKeyStore}).
 *
 * <pre>{@code
 * HierarchicalKeyring keyring = HierarchicalKeyring.builder()
 *     .keyStore(store)
 *     .branchKeyId("7f2b...")                  // or .branchKeyIdSupplier(ctx -> tenantKeys.get(ctx.get("tenant")))
 *     .ttl(Duration.ofMinutes(10))
 *     .build();
 * }</pre>
 *
 * <p><b>Cache.</b> Decrypted branch keys are cached for the TTL in a bounded {@link BranchKeyCache}
 * (1000 entries unless configured): the active version for encryption, each version met for
 * decryption. Concurrent misses for the same version make one store call (single flight). With
 * {@link Builder#refreshAhead} a use past 90% of the TTL starts one background read, so callers do
 * not wait at expiry. A key leaving the cache is zeroed. The {@linkplain Builder#partitionId
 * partition id} separates keyrings sharing a cache.
 *
 * <p><b>A store that does not answer</b> never hangs a caller: store reads run on their own
 * threads, and an encryption or decryption waits for one (its own or one under way for another
 * caller) at most the {@linkplain Builder#loadTimeout load timeout} (30 s by default), then fails
 * with a {@link BranchKeyStoreException} ({@code STORE_UNAVAILABLE}) naming the store and the
 * branch key. The read itself goes on until the store's own timeouts end it (see {@link
 * JdbcBranchKeyStore} and {@link DynamoDbBranchKeyStore}); until then later callers wait for that
 * one read instead of starting more.
 *
 * <p><b>Metrics</b> with a {@link MeterRegistry}, tagged {@code partition}: {@code
 * envelope.hierarchy.cache.hits}, {@code envelope.hierarchy.cache.misses}, {@code
 * envelope.hierarchy.store.calls} (each one KMS Decrypt), {@code
 * envelope.hierarchy.cache.refreshes} and {@code envelope.hierarchy.cache.evictions} by {@code
 * cause}.
 *
 * <p>Immutable and thread-safe. The JCE keeps its own copies of derived keys inside {@code Mac} and
 * {@code Cipher} objects; Envelope zeroes every array it owns.
 */
public final class HierarchicalKeyring implements Keyring {
  /** The provider id of the encrypted data keys this keyring writes, in every implementation. */
  public static final String PROVIDER_ID = HierarchyWrapping.PROVIDER_ID;

  /**
   * Fraction of the TTL after which a use starts a background refresh, when refresh ahead is on.
   */
  static final double REFRESH_AHEAD_FRACTION = 0.9;

  /** How long a caller waits for a branch key read unless the builder says otherwise. */
  public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Runs the store reads callers wait for, so that a caller can stop waiting. Daemon threads, made
   * on demand and ended after a minute idle: reads are rare (once per branch key per TTL), and a
   * read the store never answers holds only its own thread.
   */
  private static final ExecutorService LOADS =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "envelope-branch-key-read-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private static final byte RESOURCE_HIERARCHICAL_KEYRING = 0x02;
  private static final byte SCOPE_ENCRYPT = 0x01;
  private static final byte SCOPE_DECRYPT = 0x02;
  private static final ThreadLocal<MessageDigest> SHA384 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-384");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-384 is not available in this JVM", e);
            }
          });

  private final BranchKeyStore store;
  private final String branchKeyId;
  private final BranchKeyIdSupplier supplier;
  private final long ttlNanos;
  private final Duration ttl;
  private final BranchKeyCache cache;
  private final byte[] partitionId;
  private final String partitionName;
  private final byte[] logicalKeyStoreName;
  private final HierarchyMetrics metrics;
  private final boolean refreshAhead;
  private final Executor refreshExecutor;
  private final long loadTimeoutNanos;
  private final Duration loadTimeout;

  /** With a fixed branch key id, its encryption cache identifier, computed once. */
  private final BranchKeyCache.CacheId fixedEncryptId;

  private HierarchicalKeyring(Builder b) {
    this.store = b.store;
    this.branchKeyId = b.branchKeyId;
    this.supplier = b.supplier;
    this.ttl = b.ttl;
    this.ttlNanos = saturatedNanos(b.ttl);
    this.cache = b.cache != null ? b.cache : BranchKeyCache.withCapacity(b.capacity);
    if (b.partitionId != null) {
      this.partitionId = b.partitionId.getBytes(StandardCharsets.UTF_8);
      this.partitionName = b.partitionId;
    } else {
      // The specification's default: the 16 bytes of a random version 4 UUID.
      UUID random = UUID.randomUUID();
      this.partitionId =
          ByteBuffer.allocate(16)
              .putLong(random.getMostSignificantBits())
              .putLong(random.getLeastSignificantBits())
              .array();
      this.partitionName = random.toString();
    }
    this.logicalKeyStoreName = store.logicalKeyStoreName().getBytes(StandardCharsets.UTF_8);
    this.metrics =
        b.meterRegistry == null
            ? HierarchyMetrics.NONE
            : new HierarchyMetrics(b.meterRegistry, partitionName);
    this.refreshAhead = b.refreshAhead;
    this.refreshExecutor = b.refreshExecutor;
    this.loadTimeout = b.loadTimeout;
    this.loadTimeoutNanos = saturatedNanos(b.loadTimeout);
    this.fixedEncryptId = branchKeyId != null ? cacheId(SCOPE_ENCRYPT, branchKeyId, null) : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    Map<String, String> context = materials.encryptionContext();
    String id = branchKeyIdFor(context);
    BranchKeyCache.CacheId cacheId =
        fixedEncryptId != null ? fixedEncryptId : cacheId(SCOPE_ENCRYPT, id, null);
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    if (materials.hasDataKey()) {
      byte[] dataKey = materials.dataKey().bytes();
      byte[] ciphertext =
          withBranchKey(
              cacheId,
              id,
              null,
              () -> store.activeBranchKey(id),
              (m, key) -> HierarchyWrapping.wrap(key, id, m.version(), dataKey, context));
      return materials.withEncryptedDataKey(new EncryptedDataKey(PROVIDER_ID, idBytes, ciphertext));
    }
    DataKey dataKey =
        DataKey.wrap(HierarchyWrapping.randomBytes(materials.suite().dataKeyLength()));
    try {
      byte[] ciphertext =
          withBranchKey(
              cacheId,
              id,
              null,
              () -> store.activeBranchKey(id),
              (m, key) -> HierarchyWrapping.wrap(key, id, m.version(), dataKey.bytes(), context));
      return materials.withGeneratedDataKey(
          dataKey, new EncryptedDataKey(PROVIDER_ID, idBytes, ciphertext));
    } catch (RuntimeException e) {
      dataKey.destroy();
      throw e;
    }
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      // As the specification requires (and like the raw keyrings): a data key here means a caller
      // mistake.
      throw new IllegalStateException("decryption materials already hold a data key");
    }
    Map<String, String> context = materials.encryptionContext();
    String id = null;
    List<RuntimeException> failures = new ArrayList<>();
    for (EncryptedDataKey edk : encryptedDataKeys) {
      if (!PROVIDER_ID.equals(edk.providerId())) {
        continue;
      }
      String edkBranchKeyId = strictUtf8(edk.providerInfo());
      if (edkBranchKeyId == null) {
        continue; // not UTF-8: not a branch key id; the specification says to try the next one
      }
      if (id == null) {
        id = branchKeyIdFor(context);
      }
      if (!id.equals(edkBranchKeyId)) {
        continue;
      }
      byte[] ciphertext = edk.ciphertext();
      int expected = HierarchyWrapping.OVERHEAD + materials.suite().dataKeyLength();
      if (ciphertext.length != expected) {
        failures.add(
            new KeyProviderException(
                "an aws-kms-hierarchy encrypted data key for branch key "
                    + id
                    + " has "
                    + ciphertext.length
                    + " bytes of ciphertext, expected "
                    + expected
                    + " for suite "
                    + materials.suite()
                    + "; the message was altered or not written by a hierarchical keyring"));
        continue;
      }
      String version = HierarchyWrapping.version(ciphertext);
      String branchKey = id;
      try {
        Optional<byte[]> key =
            withBranchKey(
                cacheId(SCOPE_DECRYPT, id, version),
                id,
                version,
                () -> store.branchKeyVersion(branchKey, version),
                (m, k) ->
                    Optional.ofNullable(
                        HierarchyWrapping.unwrap(k, branchKey, m.version(), ciphertext, context)));
        if (key.isPresent()) {
          return materials.withDataKey(DataKey.wrap(key.get()));
        }
        failures.add(
            new KeyProviderException(
                "the data key wrapped under branch key "
                    + id
                    + " version "
                    + version
                    + " ("
                    + store.description()
                    + ") did not authenticate: the message was altered, or its encryption"
                    + " context is not the one it was written with"));
      } catch (BranchKeyStoreException e) {
        failures.add(e);
      }
    }
    if (failures.isEmpty()) {
      return materials; // no data key for this keyring's branch key: let other keyrings try
    }
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    KeyProviderException all =
        new KeyProviderException(
            "all "
                + failures.size()
                + " aws-kms-hierarchy data keys"
                + " for branch key "
                + id
                + " failed (each is attached as a suppressed exception); the first: "
                + failures.get(0).getMessage(),
            failures.get(0));
    failures.subList(1, failures.size()).forEach(all::addSuppressed);
    throw all;
  }

  /**
   * The cache entry identifier of the specification's Appendix A: SHA-384 over the NUL-separated
   * fields.
   */
  private BranchKeyCache.CacheId cacheId(byte scope, String branchKeyId, String version) {
    MessageDigest d = SHA384.get();
    d.reset();
    d.update(RESOURCE_HIERARCHICAL_KEYRING);
    d.update((byte) 0);
    d.update(scope);
    d.update((byte) 0);
    d.update(partitionId);
    d.update((byte) 0);
    d.update(logicalKeyStoreName);
    d.update((byte) 0);
    d.update(branchKeyId.getBytes(StandardCharsets.UTF_8));
    if (version != null) {
      d.update((byte) 0);
      d.update(version.getBytes(StandardCharsets.UTF_8));
    }
    return new BranchKeyCache.CacheId(d.digest());
  }

  /**
   * Runs {@code use} with a cached branch key, loading it on a miss. If the entry is zeroed between
   * lookup and use (evicted or replaced by a refresh), looks up again; after a few such races it
   * reads the key for this one use without caching it.
   *
   * @param version the version asked for, or null for the active one (for messages)
   */
  private <T> T withBranchKey(
      BranchKeyCache.CacheId id,
      String branchKey,
      String version,
      Supplier<BranchKeyMaterials> load,
      BiFunction<BranchKeyMaterials, byte[], T> use) {
    for (int attempt = 0; attempt < 3; attempt++) {
      BranchKeyCache.Entry entry = entry(id, branchKey, version, load);
      T result = entry.materials.withKey(key -> use.apply(entry.materials, key));
      if (result != null) {
        return result;
      }
    }
    metrics.storeCall();
    CompletableFuture<BranchKeyMaterials> read = new CompletableFuture<>();
    start(
        LOADS,
        read,
        () -> {
          BranchKeyMaterials m = load.get();
          if (!read.complete(m) && m != null) {
            m.destroy(); // nobody waits for it any more
          }
        });
    BranchKeyMaterials fresh;
    try {
      fresh = await(read, branchKey, version);
    } catch (RuntimeException e) {
      // Gave up waiting: the read, should it still answer, destroys what it got.
      if (!read.cancel(false) && !read.isCompletedExceptionally()) {
        read.join().destroy();
      }
      throw e;
    }
    try (BranchKeyMaterials materials = fresh) {
      T result = materials.withKey(key -> use.apply(materials, key));
      if (result == null) {
        throw new IllegalStateException("branch key destroyed while in use");
      }
      return result;
    }
  }

  private BranchKeyCache.Entry entry(
      BranchKeyCache.CacheId id,
      String branchKey,
      String version,
      Supplier<BranchKeyMaterials> load) {
    BranchKeyCache.Entry e = cache.cache.getIfPresent(id);
    if (e != null) {
      long age = cache.ticker.read() - e.createdNanos;
      // A shared cache may hold an entry loaded by a keyring with a longer TTL: this keyring's TTL
      // decides.
      if (age <= ttlNanos && !e.materials.isDestroyed()) {
        metrics.hit();
        if (refreshAhead
            && age >= (long) (ttlNanos * REFRESH_AHEAD_FRACTION)
            && e.refreshing.compareAndSet(false, true)) {
          refresh(id, load);
        }
        return e;
      }
    }
    metrics.miss();
    CompletableFuture<BranchKeyCache.Entry> mine = new CompletableFuture<>();
    CompletableFuture<BranchKeyCache.Entry> running = cache.loading.putIfAbsent(id, mine);
    if (running == null) {
      // The read runs on its own thread and stays the one read under way (later callers wait for
      // it) until the store answers, however long this caller waits.
      startLoad(LOADS, id, mine, load, false);
      running = mine;
    }
    return await(running, branchKey, version);
  }

  /**
   * Reads a branch key on {@code executor} into the cache, removes {@code mine} from the loads
   * under way (where the caller put it) and then completes it.
   */
  private void startLoad(
      Executor executor,
      BranchKeyCache.CacheId id,
      CompletableFuture<BranchKeyCache.Entry> mine,
      Supplier<BranchKeyMaterials> load,
      boolean refresh) {
    Runnable read =
        () -> {
          // Out of the loads under way before the waiters wake: what they do next (a refresh, say)
          // must not find this finished read still registered.
          try {
            BranchKeyCache.Entry loaded = load(load);
            cache.cache.put(id, loaded);
            if (refresh) {
              metrics.refresh();
            }
            cache.loading.remove(id, mine);
            mine.complete(loaded);
          } catch (RuntimeException | Error e) {
            cache.loading.remove(id, mine);
            mine.completeExceptionally(e);
          }
        };
    if (!start(executor, mine, read)) {
      cache.loading.remove(id, mine);
    }
  }

  /**
   * Runs {@code read} on {@code executor}; whatever it throws fails {@code result}. Returns false
   * (with {@code result} failed) if the executor refused it.
   */
  private static boolean start(Executor executor, CompletableFuture<?> result, Runnable read) {
    try {
      executor.execute(
          () -> {
            try {
              read.run();
            } catch (Throwable t) {
              result.completeExceptionally(t);
            }
          });
      return true;
    } catch (RejectedExecutionException ex) {
      result.completeExceptionally(ex);
      return false;
    }
  }

  private BranchKeyCache.Entry load(Supplier<BranchKeyMaterials> load) {
    metrics.storeCall();
    BranchKeyMaterials materials =
        Objects.requireNonNull(load.get(), "the branch key store returned null");
    return new BranchKeyCache.Entry(materials, cache.ticker.read(), ttlNanos, metrics);
  }

  /** One background read that replaces the entry; on failure the entry stays until it expires. */
  private void refresh(BranchKeyCache.CacheId id, Supplier<BranchKeyMaterials> load) {
    CompletableFuture<BranchKeyCache.Entry> mine = new CompletableFuture<>();
    if (cache.loading.putIfAbsent(id, mine) != null) {
      return; // a load is already under way
    }
    startLoad(refreshExecutor, id, mine, load, true);
  }

  /**
   * Waits at most the load timeout for a read under way; its failure is rethrown as it is.
   *
   * @throws BranchKeyStoreException ({@code STORE_UNAVAILABLE}) when the store has not answered in
   *     time
   */
  private <T> T await(CompletableFuture<T> read, String branchKey, String version) {
    try {
      return read.get(loadTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BranchKeyStoreException(
          BranchKeyStoreException.Reason.STORE_UNAVAILABLE,
          store.description(),
          branchKey,
          version,
          null,
          "branch key "
              + branchKey
              + (version == null ? " (active version)" : " version " + version)
              + " was not read from "
              + store.description()
              + " within the keyring's load timeout of "
              + loadTimeout
              + ": the store (or KMS, which decrypts the branch key) did not answer. The read goes"
              + " on in the background and later callers wait for it; check that the store is"
              + " reachable and that its own timeouts are set (JdbcBranchKeyStore: queryTimeout"
              + " and the driver's connect and socket timeouts; DynamoDB: the client's"
              + " apiCallTimeout), or raise HierarchicalKeyring.Builder.loadTimeout",
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyProviderException(
          "interrupted while waiting for branch key " + branchKey + " from " + store.description(),
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new KeyProviderException(
          "reading branch key " + branchKey + " from " + store.description() + " failed", cause);
    }
  }

  private String branchKeyIdFor(Map<String, String> context) {
    if (branchKeyId != null) {
      return branchKeyId;
    }
    String id;
    try {
      id = supplier.branchKeyId(context);
    } catch (RuntimeException e) {
      throw new KeyProviderException(
          "the BranchKeyIdSupplier failed for an encryption context with keys "
              + context.keySet()
              + ": "
              + e.getMessage(),
          e);
    }
    if (id == null || id.isEmpty()) {
      throw new KeyProviderException(
          "the BranchKeyIdSupplier returned no branch key id for an encryption context"
              + " with keys "
              + context.keySet());
    }
    return id;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The cache this keyring uses. */
  BranchKeyCache cache() {
    return cache;
  }

  @Override
  public String toString() {
    return "HierarchicalKeyring["
        + (branchKeyId != null ? "branchKeyId=" + branchKeyId : "branchKeyIdSupplier")
        + ", store="
        + store.description()
        + ", ttl="
        + ttl
        + ", partition="
        + partitionName
        + "]";
  }

  /** Builds a {@link HierarchicalKeyring}. */
  public static final class Builder {
    private BranchKeyStore store;
    private String branchKeyId;
    private BranchKeyIdSupplier supplier;
    private Duration ttl;
    private BranchKeyCache cache;
    private long capacity = BranchKeyCache.DEFAULT_CAPACITY;
    private String partitionId;
    private MeterRegistry meterRegistry;
    private boolean refreshAhead;
    private Executor refreshExecutor = ForkJoinPool.commonPool();
    private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;

    private Builder() {}

    /** Where branch keys come from. Required. */
    public Builder keyStore(BranchKeyStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The one branch key this keyring wraps and unwraps with. Excludes {@link
     * #branchKeyIdSupplier}.
     */
    public Builder branchKeyId(String branchKeyId) {
      this.branchKeyId = Objects.requireNonNull(branchKeyId, "branchKeyId");
      return this;
    }

    /**
     * Picks the branch key per message from its encryption context. Excludes {@link #branchKeyId}.
     */
    public Builder branchKeyIdSupplier(BranchKeyIdSupplier supplier) {
      this.supplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * How long a decrypted branch key may be used before it is read (and decrypted by KMS) again.
     * Required. A rotation reaches encryptors within one TTL; a revoked KMS permission too.
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Durations.requirePositive(ttl, "ttl");
      return this;
    }

    /** Shares {@code cache} with other keyrings. Excludes {@link #cacheCapacity}. */
    public Builder cache(BranchKeyCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Entries of the cache this keyring makes for itself (default 1000). */
    public Builder cacheCapacity(long capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * Names this keyring's part of a shared cache: keyrings with the same partition id, logical key
     * store name and branch key id share entries. Default: a random UUID, so no sharing.
     */
    public Builder partitionId(String partitionId) {
      if (Objects.requireNonNull(partitionId, "partitionId").isEmpty()) {
        throw new IllegalArgumentException("partitionId must not be empty");
      }
      this.partitionId = partitionId;
      return this;
    }

    /** Where the counters go; without one nothing is measured. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * When on, a use of a branch key past 90% of its TTL starts one background read that replaces
     * it, so that no caller waits for the store at expiry (default off; costs up to about 11% more
     * store reads).
     */
    public Builder refreshAhead(boolean on) {
      this.refreshAhead = on;
      return this;
    }

    /** Runs refresh-ahead reads; default the common fork-join pool. */
    public Builder refreshExecutor(Executor executor) {
      this.refreshExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How long an encryption or decryption waits for a branch key read from the store (with its KMS
     * Decrypt), its own or one under way for another caller, before it fails with a {@link
     * BranchKeyStoreException} ({@code STORE_UNAVAILABLE}); default {@link #DEFAULT_LOAD_TIMEOUT 30
     * s}. Keep it above the store's own timeouts so that their more precise errors come first.
     */
    public Builder loadTimeout(Duration timeout) {
      this.loadTimeout = Durations.requirePositive(timeout, "loadTimeout");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the store, ttl, or exactly one of id and supplier is
     *     missing
     */
    public HierarchicalKeyring build() {
      if (store == null) {
        throw new IllegalArgumentException("keyStore is required");
      }
      if (ttl == null) {
        throw new IllegalArgumentException(
            "ttl is required: how long a branch key may be used from the cache");
      }
      if ((branchKeyId == null) == (supplier == null)) {
        throw new IllegalArgumentException(
            "set exactly one of branchKeyId and branchKeyIdSupplier");
      }
      if (branchKeyId != null && branchKeyId.isEmpty()) {
        throw new IllegalArgumentException("branchKeyId must not be empty");
      }
      if (cache != null && capacity != BranchKeyCache.DEFAULT_CAPACITY) {
        throw new IllegalArgumentException(
            "cacheCapacity applies to the keyring's own cache; a shared cache has"
                + " its own capacity");
      }
      return new HierarchicalKeyring(this);
    }
  }
}

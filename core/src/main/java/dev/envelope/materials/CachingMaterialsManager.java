package dev.envelope.materials;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.async.Futures;
import dev.envelope.internal.format.HeaderDataKeys;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reuses data keys across messages within strict bounds, so that record rates can exceed the key
 * provider's request quota (KMS allows thousands of {@code GenerateDataKey} calls per second; a
 * cache with {@code maxMessages(1000)} turns a million records into a thousand calls).
 *
 * <pre>{@code
 * CachingMaterialsManager cache = CachingMaterialsManager.builder()
 *     .keyring(kmsKeyring)
 *     .maxAge(Duration.ofMinutes(5))
 *     .maxMessages(10_000)
 *     .build();
 * Envelope envelope = Envelope.builder().materialsManager(cache).build();
 * }</pre>
 *
 * <h2>Bounds</h2>
 *
 * Each cached data key is used for at most {@code maxMessages} messages and {@code maxBytes}
 * plaintext bytes, and never once it is {@code maxAge} old. A use is reserved (messages + 1, bytes
 * + n) atomically before materials are handed out, so the bounds hold under any number of threads;
 * a request that would cross a bound retires the cached key and fetches a fresh one. Age is checked
 * at use time, not only by the cache's background expiry. Decryption entries are bounded by age
 * only, as in the AWS Encryption SDK: decrypting does not spend a key's budget, the messages were
 * already written.
 *
 * <p>Encryption requests whose plaintext length is unknown (streams opened without an expected
 * length) or larger than {@code maxBytes} bypass the cache and go to the underlying manager, as in
 * the AWS Encryption SDK. A stream opened with {@code Envelope.encryptingStream(sink, context,
 * expectedLength)} is served from the cache and counts {@code expectedLength} bytes. Decryption
 * requests of the legacy suites without key derivation (0x0014, 0x0046, 0x0078), whose data key is
 * the content key itself, bypass it too: the caching CMM specification forbids caching them.
 *
 * <h2>What is cached, and under which key</h2>
 *
 * Encryption materials are cached per (partition, suite, caller's encryption context); decryption
 * materials per (partition, suite, set of encrypted data keys, encryption context). The cache key
 * is the value itself, compared with {@code equals}, not a SHA-512 digest of a serialization as in
 * the AWS Encryption SDK: the SDK hashes so that identifiers agree across languages and external
 * caches, while this cache lives in one JVM, where a value key is exact (no collision argument
 * needed) and cheaper than a digest on every message. The encrypted data keys are compared as a
 * set, as the SDK sorts them: their order in a header does not change which data key they hold.
 *
 * <p>A decryption request that {@link dev.envelope.Envelope} read from a message header is keyed on
 * the header's bytes instead: the serialized context and encrypted data keys (the keys in sorted
 * order), compared and hashed as one array. Equal bytes parse to equal values, so this is never
 * looser than the value key; a context whose pairs another writer serialized in a different order
 * gets an entry of its own (one more key-provider call, never wrong materials).
 *
 * <p>Signed suites are cached too, as the AWS Encryption SDK does: the cached materials include the
 * signing key, so all messages encrypted from one entry share one ECDSA key pair (and one public
 * key in their context). A signature still proves the message came from a holder of that private
 * key, which only this process has; if each message must have its own key pair, do not cache signed
 * suites.
 *
 * <h2>Single flight</h2>
 *
 * Threads that miss the same entry at once make one call to the underlying manager; the others wait
 * for it. The thread that loads a key gets the first use of it, so a burst of misses always makes
 * progress. If that call fails, every waiting thread sees the failure (a failing key provider is
 * not hammered by each of them in turn).
 *
 * <h2>Key hygiene</h2>
 *
 * The cache keeps the materials the underlying manager returned and hands out copies ({@link
 * EncryptionMaterials#withCopiedDataKey()}); callers close their copy. When an entry expires, is
 * evicted for size, is exhausted, is replaced or is invalidated, its plaintext data key is zeroed
 * at once: no caller needs it, each has its own copy. Copying and zeroing are serialized per entry,
 * so a copy is never taken from a half-zeroed key. Expiry runs on the JVM's shared scheduling
 * thread ({@code Scheduler.systemScheduler()}), so a key is zeroed about when its {@code maxAge}
 * passes (Caffeine paces its timer to about a second) even if the cache is never used again.
 *
 * <h2>Asynchronous use</h2>
 *
 * The {@link AsyncMaterialsManager} side keeps the same bounds and the same single flight, in the
 * same cache: a miss starts one asynchronous load through the underlying manager's asynchronous
 * side, and every request that misses the same entry meanwhile, blocking or not, shares it. No
 * thread waits: a waiter's future completes when the load does. Cancelling one caller's future does
 * not cancel a load others share; the loaded key still enters the cache (or is zeroed if spent),
 * and the cancelled caller's copy is zeroed or never made.
 *
 * <h2>Refresh ahead</h2>
 *
 * Off by default. When on, an entry that reaches 90% of any bound after a use triggers one
 * background fetch that replaces it, so callers do not stall on a miss. The replaced key's
 * remaining uses are given up, so a refreshing cache calls the key provider up to about 11% more
 * often.
 *
 * <h2>Metrics</h2>
 *
 * With a {@link MeterRegistry}, counters tagged with {@code partition}: {@code
 * envelope.cache.hits}, {@code envelope.cache.misses} (requests that loaded a key), {@code
 * envelope.cache.underlying.calls} (every call to the underlying manager: misses, bypasses,
 * refreshes) and {@code envelope.cache.evictions} tagged {@code cause} = {@code size}, {@code
 * expired}, {@code exhausted}, {@code replaced} or {@code explicit}. Without a registry nothing is
 * measured.
 *
 * <p>Immutable configuration, thread-safe.
 */
public final class CachingMaterialsManager implements MaterialsManager, AsyncMaterialsManager {
  /**
   * Default and largest {@code maxMessages}: 2^32, the AWS Encryption SDK's limit on messages per
   * cached data key.
   */
  public static final long MAX_MESSAGES_LIMIT = 1L << 32;

  /** Default number of entries in a cache this manager creates for itself. */
  public static final long DEFAULT_CAPACITY = 1000;

  /** Fraction of a bound at which refresh ahead starts a background fetch. */
  static final double REFRESH_AHEAD_FRACTION = 0.9;

  private final MaterialsManager underlying;
  private final AsyncMaterialsManager underlyingAsync;
  private final SharedCache store;
  private final String partition;
  private final Limits limits;
  private final CacheMetrics metrics;
  private final boolean refreshAhead;
  private final Executor refreshExecutor;

  private CachingMaterialsManager(Builder b) {
    this.underlying = b.underlying != null ? b.underlying : new DefaultMaterialsManager(b.keyring);
    this.underlyingAsync = AsyncMaterialsManager.of(underlying);
    this.store = b.sharedCache != null ? b.sharedCache : new SharedCache(b.capacity, b.ticker);
    this.partition = b.partition != null ? b.partition : UUID.randomUUID().toString();
    this.limits = new Limits(saturatedNanos(b.maxAge), b.maxMessages, b.maxBytes);
    this.metrics =
        b.meterRegistry == null ? CacheMetrics.NONE : new CacheMetrics(b.meterRegistry, partition);
    this.refreshAhead = b.refreshAhead;
    this.refreshExecutor = b.refreshExecutor;
  }

  public static Builder builder() {
    return new Builder();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE; // about 292 years: never
    }
  }

  /** The name that keeps this manager's entries apart from other managers sharing its cache. */
  public String partition() {
    return partition;
  }

  public Duration maxAge() {
    return Duration.ofNanos(limits.maxAgeNanos());
  }

  public long maxMessages() {
    return limits.maxMessages();
  }

  public long maxBytes() {
    return limits.maxBytes();
  }

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionRequest request) {
    Objects.requireNonNull(request, "request");
    if (bypassesCache(request)) {
      metrics.underlyingCall();
      return underlying.getEncryptionMaterials(request);
    }
    CacheKey key = CacheKey.forEncryption(partition, request);
    return serve(
        key,
        request.plaintextLength().getAsLong(),
        true,
        () -> underlying.getEncryptionMaterials(request),
        EncryptionMaterials::withCopiedDataKey,
        EncryptionMaterials::hasDataKey);
  }

  @Override
  public DecryptionMaterials decryptMaterials(DecryptionRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.suite().kdf() == AlgorithmSuite.Kdf.NONE) {
      // The caching CMM specification forbids caching the materials of suites without a KDF: their
      // data key is the content key of every message written with it.
      metrics.underlyingCall();
      return underlying.decryptMaterials(request);
    }
    CacheKey key = CacheKey.forDecryption(partition, request);
    return serve(
        key,
        0,
        false,
        () -> underlying.decryptMaterials(request),
        DecryptionMaterials::withCopiedDataKey,
        DecryptionMaterials::hasDataKey);
  }

  @Override
  public CompletableFuture<EncryptionMaterials> getEncryptionMaterialsAsync(
      EncryptionRequest request) {
    Objects.requireNonNull(request, "request");
    if (bypassesCache(request)) {
      metrics.underlyingCall();
      return Futures.start(() -> underlyingAsync.getEncryptionMaterialsAsync(request));
    }
    CacheKey key = CacheKey.forEncryption(partition, request);
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    serveAsync(
        key,
        new Use(request.plaintextLength().getAsLong(), true, limits),
        () -> underlyingAsync.getEncryptionMaterialsAsync(request),
        EncryptionMaterials::withCopiedDataKey,
        EncryptionMaterials::hasDataKey,
        result);
    return result;
  }

  @Override
  public CompletableFuture<DecryptionMaterials> decryptMaterialsAsync(DecryptionRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.suite().kdf() == AlgorithmSuite.Kdf.NONE) {
      // Without a KDF the data key is the content key of every message written with it: never
      // cached.
      metrics.underlyingCall();
      return Futures.start(() -> underlyingAsync.decryptMaterialsAsync(request));
    }
    CacheKey key = CacheKey.forDecryption(partition, request);
    CompletableFuture<DecryptionMaterials> result = new CompletableFuture<>();
    serveAsync(
        key,
        new Use(0, false, limits),
        () -> underlyingAsync.decryptMaterialsAsync(request),
        DecryptionMaterials::withCopiedDataKey,
        DecryptionMaterials::hasDataKey,
        result);
    return result;
  }

  /**
   * {@link #serve} without waiting: completes {@code result} with a use of the cached entry, of a
   * load in flight for the same key, or of a load this call starts. Copies handed to a {@code
   * result} that is already done (cancelled) are closed at once.
   */
  private <M extends AutoCloseable> void serveAsync(
      CacheKey key,
      Use use,
      Supplier<CompletableFuture<M>> load,
      UnaryOperator<M> copier,
      java.util.function.Predicate<M> cacheable,
      CompletableFuture<M> result) {
    if (result.isDone()) {
      return; // abandoned
    }
    Supplier<M> blockingLoad = () -> Futures.join(load.get()); // refresh ahead, on its executor
    Entry<?> present = store.cache.getIfPresent(key);
    if (present != null) {
      M copy = use(key, present, use, blockingLoad);
      if (copy != null) {
        metrics.hit();
        Futures.deliver(result, copy);
        return;
      }
    }
    CompletableFuture<Entry<?>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<?>> inFlight = store.loading.putIfAbsent(key, mine);
    if (inFlight != null) {
      inFlight.whenComplete(
          (loaded, failure) -> {
            if (failure != null) {
              result.completeExceptionally(Futures.unwrap(failure));
              return;
            }
            if (loaded != null && !result.isDone()) {
              M copy = use(key, loaded, use, blockingLoad);
              if (copy != null) {
                metrics.hit();
                Futures.deliver(result, copy);
                return;
              }
            }
            // That key is gone or spent already: look again.
            serveAsync(key, use, load, copier, cacheable, result);
          });
      return;
    }
    // Another load may have finished between the lookup above and claiming the load.
    Entry<?> current = store.cache.getIfPresent(key);
    if (current != null && current != present) {
      M copy = use(key, current, use, blockingLoad);
      if (copy != null) {
        store.loading.remove(key, mine);
        mine.complete(current);
        metrics.hit();
        Futures.deliver(result, copy);
        return;
      }
    }
    metrics.miss();
    metrics.underlyingCall();
    Futures.start(load)
        .whenComplete(
            (fresh, failure) -> {
              // The load leaves the in-flight map before its waiters run, so that a waiter that
              // finds the key spent starts a fresh load instead of finding this one again.
              Entry<?> installed = null;
              Throwable error = null;
              M copy = null;
              try {
                if (failure != null) {
                  error = Futures.unwrap(failure);
                } else if (!cacheable.test(fresh)) {
                  copy = fresh;
                } else {
                  Entry<M> entry =
                      new Entry<>(
                          fresh, copier, store.ticker.read(), limits.maxAgeNanos(), metrics);
                  copy = entry.firstUse(use);
                  if (entry.isRetired()) {
                    entry.close(); // spent by this one use: never cached
                    metrics.eviction(Cause.EXHAUSTED);
                  } else {
                    store.cache.put(key, entry);
                    installed = entry;
                  }
                }
              } catch (RuntimeException | Error e) {
                error = e;
              } finally {
                store.loading.remove(key, mine);
              }
              if (error != null) {
                mine.completeExceptionally(error);
                result.completeExceptionally(error);
              } else {
                mine.complete(installed);
                Futures.deliver(result, copy);
              }
            });
  }

  /**
   * Removes (and zeroes) every entry of this manager's partition; other partitions are untouched.
   */
  public void invalidateAll() {
    store.cache.asMap().keySet().removeIf(k -> k.partition.equals(partition));
  }

  private boolean bypassesCache(EncryptionRequest request) {
    // Without a KDF the data key is the content key itself: reusing it across messages would reuse
    // one
    // GCM key with random IVs. Envelope never encrypts with those suites; refuse to cache them
    // anyway.
    return request.plaintextLength().isEmpty()
        || request.plaintextLength().getAsLong() > limits.maxBytes()
        || request.suite().kdf() == AlgorithmSuite.Kdf.NONE;
  }

  /**
   * Serves one request: a use of the cached entry if it has budget left, else a single-flight load.
   *
   * @param bytes plaintext bytes the request will encrypt
   * @param countsUses whether uses count against messages and bytes (encryption) or only age
   *     (decryption)
   */
  private <M extends AutoCloseable> M serve(
      CacheKey key,
      long bytes,
      boolean countsUses,
      Supplier<M> load,
      UnaryOperator<M> copier,
      java.util.function.Predicate<M> cacheable) {
    Use use = new Use(bytes, countsUses, limits);
    while (true) {
      Entry<?> present = store.cache.getIfPresent(key);
      if (present != null) {
        M copy = use(key, present, use, load);
        if (copy != null) {
          metrics.hit();
          return copy;
        }
      }
      CompletableFuture<Entry<?>> mine = new CompletableFuture<>();
      CompletableFuture<Entry<?>> inFlight = store.loading.putIfAbsent(key, mine);
      if (inFlight != null) {
        Entry<?> loaded = await(inFlight);
        if (loaded != null) {
          M copy = use(key, loaded, use, load);
          if (copy != null) {
            metrics.hit();
            return copy;
          }
        }
        continue; // that key is gone or spent already: look again
      }
      try {
        // Another load may have finished between the lookup above and claiming the load.
        Entry<?> current = store.cache.getIfPresent(key);
        if (current != null && current != present) {
          M copy = use(key, current, use, load);
          if (copy != null) {
            mine.complete(current);
            metrics.hit();
            return copy;
          }
        }
        metrics.miss();
        metrics.underlyingCall();
        M fresh = load.get();
        if (!cacheable.test(fresh)) {
          mine.complete(null);
          return fresh;
        }
        Entry<M> entry =
            new Entry<>(fresh, copier, store.ticker.read(), limits.maxAgeNanos(), metrics);
        M copy = entry.firstUse(use);
        if (entry.isRetired()) {
          entry.close(); // spent by this one use (maxMessages 1, or exactly maxBytes): never cached
          metrics.eviction(Cause.EXHAUSTED);
          mine.complete(null);
        } else {
          store.cache.put(key, entry); // replaces a spent entry, whose key the listener zeroes
          mine.complete(entry);
        }
        return copy;
      } catch (RuntimeException | Error e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        store.loading.remove(key, mine);
      }
    }
  }

  /**
   * Takes one use of {@code entry}, retiring it from the cache when spent or too old; null if none
   * left.
   */
  private <M extends AutoCloseable> M use(CacheKey key, Entry<?> entry, Use use, Supplier<M> load) {
    @SuppressWarnings("unchecked")
    Entry<M> typed = (Entry<M>) entry;
    long now = store.ticker.read();
    M copy = typed.tryUse(use, now);
    if (typed.isRetired()) {
      store.cache.asMap().remove(key, typed);
    } else if (copy != null && refreshAhead && typed.nearBound(use, now) && typed.claimRefresh()) {
      try {
        refreshExecutor.execute(() -> refresh(key, typed, load));
      } catch (RejectedExecutionException busy) {
        // Refresh ahead is an optimization: without it the next caller past the bound loads in the
        // foreground.
      }
    }
    return copy;
  }

  /**
   * Loads a replacement for {@code old} in the background. Registered as the key's in-flight load,
   * so threads that miss meanwhile wait for it instead of calling the underlying manager
   * themselves.
   */
  private <M extends AutoCloseable> void refresh(CacheKey key, Entry<M> old, Supplier<M> load) {
    CompletableFuture<Entry<?>> mine = new CompletableFuture<>();
    if (store.loading.putIfAbsent(key, mine) != null) {
      return; // a load is already under way
    }
    try {
      metrics.underlyingCall();
      M fresh = load.get();
      Entry<M> entry =
          new Entry<>(fresh, old.copier, store.ticker.read(), limits.maxAgeNanos(), metrics);
      ConcurrentMap<CacheKey, Entry<?>> map = store.cache.asMap();
      if (map.replace(key, old, entry) || map.putIfAbsent(key, entry) == null) {
        mine.complete(entry);
      } else {
        entry.close(); // someone else installed a key meanwhile; this one was never handed out
        mine.complete(null);
      }
    } catch (RuntimeException | Error e) {
      mine.complete(null); // waiters load for themselves and see the provider's error directly
    } finally {
      store.loading.remove(key, mine);
    }
  }

  private static Entry<?> await(CompletableFuture<Entry<?>> load) {
    try {
      return load.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Number of entries in the cache (all partitions, if shared), after pending maintenance. */
  long estimatedSize() {
    store.cache.cleanUp();
    return store.cache.estimatedSize();
  }

  /** Runs the cache's pending maintenance (expiry, size eviction) now. For tests. */
  void cleanUp() {
    store.cache.cleanUp();
  }

  @Override
  public String toString() {
    return "CachingMaterialsManager[partition="
        + partition
        + ", maxAge="
        + maxAge()
        + ", maxMessages="
        + limits.maxMessages()
        + ", maxBytes="
        + limits.maxBytes()
        + ", refreshAhead="
        + refreshAhead
        + "]";
  }

  /**
   * One Caffeine cache that several managers share, each in its own partition, so that one capacity
   * bounds the data keys of a whole process. Create one and pass it to each manager's builder.
   */
  public static final class SharedCache {
    final Cache<CacheKey, Entry<?>> cache;

    /** Loads under way, one per key: what makes concurrent misses a single call. */
    final ConcurrentMap<CacheKey, CompletableFuture<Entry<?>>> loading = new ConcurrentHashMap<>();

    final Ticker ticker;

    SharedCache(long capacity, Ticker ticker) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1 entry, got " + capacity);
      }
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      this.cache =
          Caffeine.newBuilder()
              .maximumSize(capacity)
              .expireAfter(new EntryExpiry())
              .ticker(ticker)
              // Listener and maintenance run on the thread that triggered them: keys are zeroed
              // promptly and deterministically, and no pool thread is needed.
              .executor(Runnable::run)
              // Without a scheduler Caffeine expires entries only when the cache is used, so an
              // idle service would keep expired data keys in memory indefinitely. The JVM-wide
              // scheduling thread runs the expiry (and so the zeroing) about when an entry's age
              // bound passes, within Caffeine's ~1 s pacing.
              .scheduler(Scheduler.systemScheduler())
              .removalListener(
                  (CacheKey key, Entry<?> entry, RemovalCause cause) -> {
                    if (entry != null) {
                      entry.retire(cause);
                    }
                  })
              .build();
    }

    /** A shared cache holding at most {@code capacity} entries. */
    public static SharedCache withCapacity(long capacity) {
      return new SharedCache(capacity, Ticker.systemTicker());
    }

    /** A shared cache whose age bounds use {@code ticker}. For tests. */
    static SharedCache withCapacity(long capacity, Ticker ticker) {
      return new SharedCache(capacity, ticker);
    }

    /** Entries in the cache, all partitions. */
    public long estimatedSize() {
      cache.cleanUp();
      return cache.estimatedSize();
    }

    @Override
    public String toString() {
      return "SharedCache[entries=" + cache.estimatedSize() + "]";
    }
  }

  /**
   * Immutable builder; {@code maxAge} and one of {@code keyring} or {@code materialsManager} are
   * required.
   */
  public static final class Builder {
    private MaterialsManager underlying;
    private Keyring keyring;
    private Duration maxAge;
    private long maxMessages = MAX_MESSAGES_LIMIT;
    private long maxBytes = Long.MAX_VALUE;
    private long capacity = DEFAULT_CAPACITY;
    private boolean capacitySet;
    private String partition;
    private MeterRegistry meterRegistry;
    private SharedCache sharedCache;
    private boolean refreshAhead;
    private Executor refreshExecutor = ForkJoinPool.commonPool();
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    /** The manager whose materials are cached. */
    public Builder materialsManager(MaterialsManager materialsManager) {
      this.underlying = Objects.requireNonNull(materialsManager, "materialsManager");
      return this;
    }

    /** Caches the materials of a {@link DefaultMaterialsManager} over {@code keyring}. */
    public Builder keyring(Keyring keyring) {
      this.keyring = Objects.requireNonNull(keyring, "keyring");
      return this;
    }

    /** Required: a cached data key is not used once this old. */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Messages encrypted with one data key, 1 to 2^32; default 2^32 (the AWS Encryption SDK's
     * default).
     */
    public Builder maxMessages(long maxMessages) {
      if (maxMessages < 1 || maxMessages > MAX_MESSAGES_LIMIT) {
        throw new IllegalArgumentException(
            "maxMessages must be between 1 and 2^32, got " + maxMessages);
      }
      this.maxMessages = maxMessages;
      return this;
    }

    /** Plaintext bytes encrypted with one data key; default {@link Long#MAX_VALUE}. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Entries in this manager's own cache; default 1000. Not allowed with {@link #sharedCache}. */
    public Builder capacity(long capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1 entry, got " + capacity);
      }
      this.capacity = capacity;
      this.capacitySet = true;
      return this;
    }

    /**
     * Name that separates this manager's entries from those of other managers sharing the cache;
     * default a random UUID, so that two managers never share keys unless given the same partition
     * on purpose.
     */
    public Builder partition(String partition) {
      Objects.requireNonNull(partition, "partition");
      if (partition.isEmpty()) {
        throw new IllegalArgumentException("partition must not be empty");
      }
      this.partition = partition;
      return this;
    }

    /** Optional: counts hits, misses, underlying calls and evictions. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** Keeps entries in {@code cache}, shared with other managers (each in its own partition). */
    public Builder sharedCache(SharedCache cache) {
      this.sharedCache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Replace an entry in the background when it reaches 90% of a bound; default off. */
    public Builder refreshAhead(boolean refreshAhead) {
      this.refreshAhead = refreshAhead;
      return this;
    }

    /** Where refresh-ahead fetches run; default the common pool. For tests. */
    Builder refreshExecutor(Executor executor) {
      this.refreshExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Clock of this manager's own cache (ignored with a shared cache, which has its own). For
     * tests.
     */
    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public CachingMaterialsManager build() {
      if ((underlying == null) == (keyring == null)) {
        throw new IllegalStateException(
            "configure exactly one of keyring(...) and materialsManager(...)");
      }
      if (maxAge == null) {
        throw new IllegalStateException("maxAge is required: how long may one data key be used?");
      }
      if (sharedCache != null && capacitySet) {
        throw new IllegalStateException(
            "capacity belongs to the shared cache; set it in SharedCache.withCapacity");
      }
      return new CachingMaterialsManager(this);
    }
  }

  /** A manager's bounds, in the units the checks use. */
  record Limits(long maxAgeNanos, long maxMessages, long maxBytes) {}

  /** One request's demand on an entry, checked against the requesting manager's bounds. */
  record Use(long bytes, boolean countsUses, Limits limits) {}

  /**
   * What an entry is found by: a partition and, per kind of key, what identifies the materials.
   * Encryption and decryption entries never meet.
   */
  abstract static class CacheKey {
    final String partition;

    CacheKey(String partition) {
      this.partition = partition;
    }

    static CacheKey forEncryption(String partition, EncryptionRequest request) {
      return new ValueKey(
          partition,
          request.suite(),
          request.encryptionContext(),
          null,
          request.requiredEncryptionContextKeys());
    }

    /**
     * A request read from a header, without reproduced pairs the header does not store (the record
     * path), is keyed on the header bytes of its context and data keys; any other on the values.
     * Either way the key includes what the caller reproduced (for a header key, which stored keys:
     * their values are the header's), so materials that an underlying manager handed out after
     * checking the reproduced context (a {@link RequiredEncryptionContextMaterialsManager}) never
     * serve a request that reproduced something else.
     */
    static CacheKey forDecryption(String partition, DecryptionRequest request) {
      Map<String, String> reproduced = request.reproducedEncryptionContext();
      if (notStoredIsEmpty(request)
          && request.encryptedDataKeys() instanceof HeaderDataKeys fromHeader
          && fromHeader.encryptionContext() == request.encryptionContext()) {
        return new HeaderKey(partition, request.suite(), fromHeader, reproduced.keySet());
      }
      return new ValueKey(
          partition,
          request.suite(),
          request.encryptionContext(),
          Set.copyOf(request.encryptedDataKeys()),
          reproduced);
    }

    /** Whether every reproduced pair repeats a stored one (the common case; nothing allocated). */
    private static boolean notStoredIsEmpty(DecryptionRequest request) {
      Map<String, String> stored = request.encryptionContext();
      for (Map.Entry<String, String> e : request.reproducedEncryptionContext().entrySet()) {
        if (!e.getValue().equals(stored.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A key compared by value; the hash is computed once. {@code encryptedDataKeys} is null for
   * encryption and a (possibly empty) set for decryption.
   */
  static final class ValueKey extends CacheKey {
    final AlgorithmSuite suite;
    final Map<String, String> encryptionContext;
    final Set<EncryptedDataKey> encryptedDataKeys;

    /**
     * What decides which pairs are only authenticated: the required keys of an encryption request,
     * the reproduced context of a decryption request. Materials for one never serve the other.
     */
    final Object requiredContext;

    private final int hash;

    private ValueKey(
        String partition,
        AlgorithmSuite suite,
        Map<String, String> encryptionContext,
        Set<EncryptedDataKey> encryptedDataKeys,
        Object requiredContext) {
      super(partition);
      this.suite = suite;
      this.encryptionContext = encryptionContext;
      this.encryptedDataKeys = encryptedDataKeys;
      this.requiredContext = requiredContext;
      this.hash =
          Objects.hash(partition, suite, encryptionContext, encryptedDataKeys, requiredContext);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ValueKey k
          && hash == k.hash
          && suite == k.suite
          && partition.equals(k.partition)
          && encryptionContext.equals(k.encryptionContext)
          && Objects.equals(encryptedDataKeys, k.encryptedDataKeys)
          && requiredContext.equals(k.requiredContext);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "CacheKey[partition="
          + partition
          + ", suite="
          + suite
          + ", contextKeys="
          + encryptionContext.keySet()
          + (encryptedDataKeys == null
              ? ", encrypt"
              : ", decrypt, encryptedDataKeys=" + encryptedDataKeys.size())
          + "]";
    }
  }

  /**
   * A decryption key made of the header bytes of the context and the encrypted data keys ({@link
   * HeaderDataKeys#sameBytes}): equal bytes read as an equal context and equal keys, so it is at
   * least as strict as a {@link ValueKey}, and it hashes and compares one array instead of the
   * parsed values. The reproduced context adds no pairs (else the request gets a value key), so the
   * materials' only-authenticated pairs are none, as for every request this key matches.
   *
   * <p>Comparable, consistently with {@code equals}: the bytes come from whoever wrote the message,
   * who can make their hashes collide, and hash tables keep colliding comparable keys in a tree
   * (logarithmic lookups) rather than a list.
   */
  static final class HeaderKey extends CacheKey implements Comparable<HeaderKey> {
    final AlgorithmSuite suite;
    final HeaderDataKeys section;

    /** The stored keys the caller reproduced (their values are the header's). */
    final Set<String> reproducedKeys;

    private final int hash;

    HeaderKey(
        String partition,
        AlgorithmSuite suite,
        HeaderDataKeys section,
        Set<String> reproducedKeys) {
      super(partition);
      this.suite = suite;
      this.section = section;
      this.reproducedKeys = reproducedKeys;
      this.hash =
          ((31 * partition.hashCode() + suite.id()) * 31 + section.bytesHash()) * 31
              + reproducedKeys.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HeaderKey k
          && hash == k.hash
          && suite == k.suite
          && partition.equals(k.partition)
          && section.sameBytes(k.section)
          && reproducedKeys.equals(k.reproducedKeys);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public int compareTo(HeaderKey k) {
      int c = partition.compareTo(k.partition);
      if (c == 0) {
        c = Short.compare(suite.id(), k.suite.id());
      }
      if (c == 0) {
        c = section.compareBytes(k.section);
      }
      if (c == 0) {
        c = Integer.compare(reproducedKeys.size(), k.reproducedKeys.size());
      }
      if (c == 0 && !reproducedKeys.equals(k.reproducedKeys)) {
        // Only for keys equal in everything else: sorted key lists, consistent with equals.
        c =
            Arrays.compare(
                reproducedKeys.stream().sorted().toArray(String[]::new),
                k.reproducedKeys.stream().sorted().toArray(String[]::new));
      }
      return c;
    }

    @Override
    public String toString() {
      return "CacheKey[partition="
          + partition
          + ", suite="
          + suite
          + ", contextKeys="
          + section.encryptionContext().keySet()
          + ", decrypt, encryptedDataKeys="
          + section.size()
          + ", reproducedKeys="
          + reproducedKeys.size()
          + ", header bytes]";
    }
  }

  /** Why an entry left the cache; the {@code cause} tag of {@code envelope.cache.evictions}. */
  enum Cause {
    SIZE("size"),
    EXPIRED("expired"),
    EXHAUSTED("exhausted"),
    REPLACED("replaced"),
    EXPLICIT("explicit");

    final String tag;

    Cause(String tag) {
      this.tag = tag;
    }
  }

  /**
   * One cached data key: the master materials, which only this entry owns and zeroes, and the
   * budget spent on them. Every use and the zeroing run under the entry's lock, so a bound is never
   * crossed and a copy is never taken from a key being zeroed.
   */
  static final class Entry<M extends AutoCloseable> {
    private final M master;
    final UnaryOperator<M> copier;
    final long createdAtNanos;

    /**
     * The creating manager's age bound; drives Caffeine's expiry. Uses check the requester's own
     * bound.
     */
    final long maxAgeNanos;

    private final CacheMetrics metrics;
    private final AtomicBoolean refreshClaimed = new AtomicBoolean();
    private long messages;
    private long bytes;

    /**
     * Set once the entry may not be used again; the reason it was retired, for the eviction metric.
     */
    private Cause retiredBecause;

    private boolean closed;

    Entry(
        M master,
        UnaryOperator<M> copier,
        long createdAtNanos,
        long maxAgeNanos,
        CacheMetrics metrics) {
      this.master = master;
      this.copier = copier;
      this.createdAtNanos = createdAtNanos;
      this.maxAgeNanos = maxAgeNanos;
      this.metrics = metrics;
    }

    /**
     * The loader's use of a key it just fetched: always within bounds, since the request fits
     * maxBytes.
     */
    synchronized M firstUse(Use use) {
      if (use.countsUses()) {
        messages = 1;
        bytes = use.bytes();
        if (messages >= use.limits().maxMessages() || bytes >= use.limits().maxBytes()) {
          retiredBecause = Cause.EXHAUSTED;
        }
      }
      return copier.apply(master);
    }

    /**
     * Reserves one use and returns a copy of the materials, or null (and retires it) if a bound
     * forbids.
     */
    synchronized M tryUse(Use use, long nowNanos) {
      if (closed || retiredBecause != null) {
        return null;
      }
      if (nowNanos - createdAtNanos >= use.limits().maxAgeNanos()) {
        retiredBecause = Cause.EXPIRED;
        return null;
      }
      if (use.countsUses()) {
        if (messages >= use.limits().maxMessages()
            || use.bytes() > use.limits().maxBytes() - bytes) {
          retiredBecause = Cause.EXHAUSTED;
          return null;
        }
        messages++;
        bytes += use.bytes();
        if (messages >= use.limits().maxMessages() || bytes >= use.limits().maxBytes()) {
          retiredBecause =
              Cause.EXHAUSTED; // this was the last use: zero it now rather than at the next miss
        }
      }
      return copier.apply(master);
    }

    synchronized boolean isRetired() {
      return retiredBecause != null || closed;
    }

    /** Whether the last use brought the entry to 90% of a bound. */
    synchronized boolean nearBound(Use use, long nowNanos) {
      Limits l = use.limits();
      return nowNanos - createdAtNanos >= (long) (l.maxAgeNanos() * REFRESH_AHEAD_FRACTION)
          || (use.countsUses()
              && (messages >= (long) Math.ceil(l.maxMessages() * REFRESH_AHEAD_FRACTION)
                  || bytes >= (long) (l.maxBytes() * REFRESH_AHEAD_FRACTION)));
    }

    boolean claimRefresh() {
      return refreshClaimed.compareAndSet(false, true);
    }

    /** Called by the cache when the entry leaves it, whatever the reason: zeroes the key once. */
    void retire(RemovalCause cause) {
      Cause reason;
      synchronized (this) {
        if (closed) {
          return;
        }
        reason =
            retiredBecause != null
                ? retiredBecause
                : switch (cause) {
                  case SIZE, COLLECTED -> Cause.SIZE;
                  case EXPIRED -> Cause.EXPIRED;
                  case REPLACED -> Cause.REPLACED;
                  case EXPLICIT -> Cause.EXPLICIT;
                };
        closeLocked();
      }
      metrics.eviction(reason);
    }

    /** Zeroes the key of an entry that never entered the cache (or lost a race to enter it). */
    synchronized void close() {
      closeLocked();
    }

    private void closeLocked() {
      if (!closed) {
        closed = true;
        try {
          master.close();
        } catch (Exception e) {
          throw new IllegalStateException("could not destroy cached materials", e);
        }
      }
    }

    @Override
    public String toString() {
      return "Entry[closed=" + closed + ", retired=" + retiredBecause + "]";
    }
  }

  /** Caffeine expiry from each entry's creation time and its creator's age bound. */
  static final class EntryExpiry implements Expiry<CacheKey, Entry<?>> {
    @Override
    public long expireAfterCreate(CacheKey key, Entry<?> entry, long currentTime) {
      return remaining(entry, currentTime);
    }

    @Override
    public long expireAfterUpdate(
        CacheKey key, Entry<?> entry, long currentTime, long currentDuration) {
      return remaining(entry, currentTime);
    }

    @Override
    public long expireAfterRead(
        CacheKey key, Entry<?> entry, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private static long remaining(Entry<?> entry, long now) {
      return Math.max(0, entry.maxAgeNanos - (now - entry.createdAtNanos));
    }
  }

  /** Micrometer counters for one partition; {@link #NONE} when no registry is given, at no cost. */
  static final class CacheMetrics {
    static final CacheMetrics NONE = new CacheMetrics();

    private final Counter hits;
    private final Counter misses;
    private final Counter underlyingCalls;
    private final Map<Cause, Counter> evictions;

    private CacheMetrics() {
      hits = misses = underlyingCalls = null;
      evictions = null;
    }

    CacheMetrics(MeterRegistry registry, String partition) {
      hits =
          Counter.builder("envelope.cache.hits")
              .tag("partition", partition)
              .description("Requests served from a cached data key")
              .register(registry);
      misses =
          Counter.builder("envelope.cache.misses")
              .tag("partition", partition)
              .description("Requests that loaded a data key into the cache")
              .register(registry);
      underlyingCalls =
          Counter.builder("envelope.cache.underlying.calls")
              .tag("partition", partition)
              .description(
                  "Calls to the underlying materials manager (misses, bypasses, refreshes)")
              .register(registry);
      evictions = new EnumMap<>(Cause.class);
      for (Cause cause : Cause.values()) {
        evictions.put(
            cause,
            Counter.builder("envelope.cache.evictions")
                .tag("partition", partition)
                .tag("cause", cause.tag)
                .description("Cached data keys removed and zeroed")
                .register(registry));
      }
    }

    void hit() {
      if (hits != null) {
        hits.increment();
      }
    }

    void miss() {
      if (misses != null) {
        misses.increment();
      }
    }

    void underlyingCall() {
      if (underlyingCalls != null) {
        underlyingCalls.increment();
      }
    }

    void eviction(Cause cause) {
      if (evictions != null) {
        evictions.get(cause).increment();
      }
    }
  }
}

package dev.envelope.aws;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The branch keys {@link HierarchicalKeyring}s have read, decrypted, bounded in number (Caffeine,
 * least recently and frequently used go first) and in age (each entry lives for the TTL of the
 * keyring that loaded it). A keyring makes its own unless given one; give several keyrings one
 * cache to bound a whole process. Keyrings share entries only when their partition id, logical key
 * store name and branch key id are the same.
 *
 * <p>An entry's key is zeroed as soon as it leaves the cache (expired, evicted, replaced by a
 * refresh, or invalidated); a wrap or unwrap already under way finishes first.
 */
public final class BranchKeyCache {
  /** Entries of a cache a keyring makes for itself, as in the AWS Encryption SDK. */
  public static final long DEFAULT_CAPACITY = 1000;

  final Cache<CacheId, Entry> cache;

  /** Loads under way, one per identifier: what makes concurrent misses a single store call. */
  final ConcurrentMap<CacheId, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();

  final Ticker ticker;

  private BranchKeyCache(long capacity, Ticker ticker) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 entry, got " + capacity);
    }
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(capacity)
            .expireAfter(new EntryExpiry())
            .ticker(ticker)
            // Zeroing runs on the thread that caused the removal: promptly, and without a pool
            // thread.
            .executor(Runnable::run)
            .removalListener(
                (CacheId id, Entry entry, RemovalCause cause) -> {
                  if (entry != null) {
                    entry.retire(cause);
                  }
                })
            .build();
  }

  /** A cache for at most {@code capacity} branch key versions. */
  public static BranchKeyCache withCapacity(long capacity) {
    return new BranchKeyCache(capacity, Ticker.systemTicker());
  }

  /** For tests: a cache whose clock is {@code ticker}. */
  static BranchKeyCache withCapacity(long capacity, Ticker ticker) {
    return new BranchKeyCache(capacity, ticker);
  }

  /** Branch key versions held now. */
  public long estimatedSize() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Removes (and zeroes) every entry. */
  public void invalidateAll() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  @Override
  public String toString() {
    return "BranchKeyCache[entries=" + cache.estimatedSize() + "]";
  }

  /** A cache entry identifier: the SHA-384 digest the specification defines (Appendix A). */
  static final class CacheId {
    private final byte[] digest;
    private final int hash;

    CacheId(byte[] digest) {
      this.digest = digest;
      this.hash = Arrays.hashCode(digest);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CacheId other && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One decrypted branch key version, when it was loaded, for how long, and who is counting it. */
  static final class Entry {
    final BranchKeyMaterials materials;
    final long createdNanos;
    final long ttlNanos;
    final HierarchyMetrics metrics;
    final AtomicBoolean refreshing = new AtomicBoolean();

    Entry(
        BranchKeyMaterials materials, long createdNanos, long ttlNanos, HierarchyMetrics metrics) {
      this.materials = materials;
      this.createdNanos = createdNanos;
      this.ttlNanos = ttlNanos;
      this.metrics = metrics;
    }

    void retire(RemovalCause cause) {
      materials.destroy();
      metrics.eviction(cause);
    }
  }

  /**
   * Each entry expires the TTL of the keyring that loaded it after it was loaded; reads do not
   * extend it.
   */
  private static final class EntryExpiry implements Expiry<CacheId, Entry> {
    @Override
    public long expireAfterCreate(CacheId id, Entry entry, long currentTime) {
      return Math.max(0, entry.ttlNanos - (currentTime - entry.createdNanos));
    }

    @Override
    public long expireAfterUpdate(CacheId id, Entry entry, long currentTime, long currentDuration) {
      return expireAfterCreate(id, entry, currentTime);
    }

    @Override
    public long expireAfterRead(CacheId id, Entry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}

package dev.envelope.aws;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Micrometer counters of one hierarchical keyring, tagged with its partition, named like the
 * data-key cache's: {@code envelope.hierarchy.cache.hits}, {@code .misses}, {@code
 * envelope.hierarchy.store.calls} (every read from the branch key store: misses and refreshes; each
 * is one KMS Decrypt), {@code .refreshes} and {@code envelope.hierarchy.cache.evictions} tagged
 * {@code cause}. {@link #NONE} measures nothing.
 */
final class HierarchyMetrics {
  static final HierarchyMetrics NONE = new HierarchyMetrics();

  private final Counter hits;
  private final Counter misses;
  private final Counter storeCalls;
  private final Counter refreshes;
  private final Map<RemovalCause, Counter> evictions;

  private HierarchyMetrics() {
    hits = misses = storeCalls = refreshes = null;
    evictions = null;
  }

  HierarchyMetrics(MeterRegistry registry, String partition) {
    hits =
        Counter.builder("envelope.hierarchy.cache.hits")
            .tag("partition", partition)
            .description("Wraps and unwraps served by a cached branch key")
            .register(registry);
    misses =
        Counter.builder("envelope.hierarchy.cache.misses")
            .tag("partition", partition)
            .description("Wraps and unwraps that had to read a branch key from the store")
            .register(registry);
    storeCalls =
        Counter.builder("envelope.hierarchy.store.calls")
            .tag("partition", partition)
            .description(
                "Branch key reads from the store (one KMS Decrypt each): misses and refreshes")
            .register(registry);
    refreshes =
        Counter.builder("envelope.hierarchy.cache.refreshes")
            .tag("partition", partition)
            .description("Background reads that replaced a branch key before it expired")
            .register(registry);
    evictions = new EnumMap<>(RemovalCause.class);
    for (RemovalCause cause : RemovalCause.values()) {
      evictions.put(
          cause,
          Counter.builder("envelope.hierarchy.cache.evictions")
              .tag("partition", partition)
              .tag("cause", tag(cause))
              .description("Cached branch keys removed and zeroed")
              .register(registry));
    }
  }

  private static String tag(RemovalCause cause) {
    return switch (cause) {
      case SIZE -> "size";
      case EXPIRED -> "expired";
      case REPLACED -> "replaced";
      case EXPLICIT -> "explicit";
      case COLLECTED -> "collected";
    };
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

  void storeCall() {
    if (storeCalls != null) {
      storeCalls.increment();
    }
  }

  void refresh() {
    if (refreshes != null) {
      refreshes.increment();
    }
  }

  void eviction(RemovalCause cause) {
    if (evictions != null) {
      evictions.get(cause).increment();
    }
  }
}

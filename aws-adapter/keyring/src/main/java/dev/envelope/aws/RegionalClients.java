package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;

/**
 * The clients of one KMS client supplier (blocking or async), one per Region, made on first use and
 * kept until {@link #close()}. A Region can come from data (a key ARN in a message, which anyone
 * can write) and a client is costly (connection pool, credential refresh, retries against an
 * endpoint that does not exist), so only known Regions get a client, and at most {@code maxClients}
 * of them.
 */
final class RegionalClients<C extends SdkClient> {
  private final String owner;
  private final Set<String> allowedRegions;
  private final int maxClients;
  private final Function<String, C> factory;
  private final ConcurrentMap<String, C> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param owner the supplier's class name, for the messages that say how to allow a Region
   * @param allowedRegions the Regions a client may be made for, or null for those the AWS SDK lists
   * @param factory makes the client of a Region; called at most once per Region
   */
  RegionalClients(
      String owner, Set<String> allowedRegions, int maxClients, Function<String, C> factory) {
    this.owner = owner;
    this.allowedRegions = allowedRegions;
    this.maxClients = maxClients;
    this.factory = factory;
  }

  /** A builder's {@code allowedRegions} argument, checked and copied. */
  static Set<String> checkedRegions(Collection<String> regions) {
    Set<String> copy = new TreeSet<>();
    for (String r : regions) {
      if (r == null || !KmsArn.isRegion(r)) {
        throw new IllegalArgumentException("invalid Region " + UntrustedText.quote(r));
      }
      copy.add(r);
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("allowedRegions needs at least one Region");
    }
    return Set.copyOf(copy);
  }

  /** A builder's {@code maxClients} argument, checked. */
  static int checkedMaxClients(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
    }
    return maxClients;
  }

  C client(String region) {
    Objects.requireNonNull(region, "region");
    if (closed) {
      throw new IllegalStateException("client supplier closed");
    }
    C existing = clients.get(region);
    if (existing != null) {
      return existing;
    }
    if (!KmsArn.isRegion(region)) {
      throw new IllegalArgumentException("invalid Region " + UntrustedText.quote(region));
    }
    if (allowedRegions != null
        ? !allowedRegions.contains(region)
        : !KnownRegions.IDS.contains(region)) {
      throw new IllegalArgumentException(
          "Region "
              + UntrustedText.quote(region)
              + (allowedRegions != null
                  ? " is not one of this client supplier's allowed Regions "
                      + new TreeSet<>(allowedRegions)
                  : " is not a Region this AWS SDK knows; to use a Region newer than the SDK, list it in "
                      + owner
                      + ".builder().allowedRegions(...)"));
    }
    synchronized (clients) {
      if (closed) {
        throw new IllegalStateException("client supplier closed");
      }
      C raced = clients.get(region);
      if (raced != null) {
        return raced;
      }
      if (clients.size() >= maxClients) {
        throw new IllegalStateException(
            "this client supplier already holds "
                + clients.size()
                + " KMS clients (Regions "
                + new TreeSet<>(clients.keySet())
                + "), its maximum; raise maxClients if this many Regions are expected");
      }
      C made = factory.apply(region);
      clients.put(region, made);
      return made;
    }
  }

  /** The Regions that have a client, in order. */
  Set<String> regions() {
    return new TreeSet<>(clients.keySet());
  }

  /** Closes every client made; later calls to {@link #client} fail. */
  void close() {
    List<C> made;
    synchronized (clients) {
      closed = true;
      made = new ArrayList<>(clients.values());
      clients.clear();
    }
    made.forEach(SdkClient::close);
  }

  /** The Region ids the AWS SDK on the class path lists, for every partition; read once. */
  private static final class KnownRegions {
    static final Set<String> IDS =
        Region.regions().stream().map(Region::id).collect(Collectors.toUnmodifiableSet());
  }
}

package dev.envelope.aws.local;

import dev.envelope.aws.policy.PolicyDocument;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One KMS key in one Region. Identity and material are final; policy, state and grants change and
 * are published through volatile fields and concurrent collections so that the cryptographic path
 * can read them without taking the store's lock.
 */
final class KmsKey {
  /** The Regions of one multi-Region key: shared by the primary and all its replicas. */
  static final class MultiRegionGroup {
    volatile String primaryRegion;
    final Set<String> regions = new ConcurrentSkipListSet<>();

    MultiRegionGroup(String primaryRegion) {
      this.primaryRegion = primaryRegion;
      regions.add(primaryRegion);
    }
  }

  /** A grant plus what only the store needs: when it was made and when it becomes visible. */
  record StoredGrant(
      dev.envelope.aws.policy.Grant grant, Instant creationDate, Instant visibleAt) {}

  final String keyId;
  final String accountId;
  final String region;
  final String arn;
  final Instant creationDate;
  final KeyMaterial material;

  /** Non-null only for multi-Region keys. */
  final MultiRegionGroup group;

  volatile PolicyDocument policy;
  volatile String description;
  volatile KeyState state;
  volatile Instant deletionDate;
  volatile int pendingWindowInDays;
  volatile boolean rotationEnabled;
  volatile int rotationPeriodInDays;
  final List<StoredGrant> grants = new CopyOnWriteArrayList<>();

  KmsKey(
      String keyId,
      String accountId,
      String region,
      Instant creationDate,
      KeyMaterial material,
      MultiRegionGroup group,
      PolicyDocument policy,
      String description,
      KeyState state) {
    this.keyId = keyId;
    this.accountId = accountId;
    this.region = region;
    this.arn = arn(region, accountId, keyId);
    this.creationDate = creationDate;
    this.material = material;
    this.group = group;
    this.policy = policy;
    this.description = description;
    this.state = state;
  }

  static String arn(String region, String accountId, String keyId) {
    return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
  }

  boolean multiRegion() {
    return group != null;
  }

  boolean isPrimary() {
    return group == null || group.primaryRegion.equals(region);
  }

  @Override
  public String toString() {
    return "KmsKey[" + arn + ", " + state.wireName() + "]";
  }
}

package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which KMS keys a discovery-mode {@link KmsKeyring} may ask KMS to decrypt with: keys in one
 * partition ({@code aws}, {@code aws-cn}, {@code aws-us-gov}, ...) owned by one of the listed
 * accounts.
 *
 * <p>Discovery decrypts with whatever key the message names, so without a filter a message written
 * by anyone could make your application call KMS in any account. The keyring never calls KMS for an
 * encrypted data key outside the filter. Immutable.
 */
public final class DiscoveryFilter {
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z0-9]+)*");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

  private final String partition;
  private final Set<String> accountIds;

  private DiscoveryFilter(String partition, Set<String> accountIds) {
    this.partition = partition;
    this.accountIds = accountIds;
  }

  /**
   * A filter allowing keys in {@code partition} owned by any of {@code accountIds} (12-digit ids).
   *
   * @throws IllegalArgumentException if the partition or an account id is malformed or no account
   *     is given
   */
  public static DiscoveryFilter of(String partition, String... accountIds) {
    return of(partition, List.of(accountIds));
  }

  /** See {@link #of(String, String...)}. */
  public static DiscoveryFilter of(String partition, Collection<String> accountIds) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(accountIds, "accountIds");
    if (!PARTITION.matcher(partition).matches()) {
      throw new IllegalArgumentException(
          "invalid partition "
              + UntrustedText.quote(partition)
              + " (for example aws, aws-cn, aws-us-gov)");
    }
    if (accountIds.isEmpty()) {
      throw new IllegalArgumentException("a discovery filter needs at least one account id");
    }
    Set<String> ids = new TreeSet<>();
    for (String id : accountIds) {
      if (id == null || !ACCOUNT.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "invalid AWS account id " + UntrustedText.quote(id) + " (12 digits expected)");
      }
      ids.add(id);
    }
    return new DiscoveryFilter(partition, Set.copyOf(ids));
  }

  public String partition() {
    return partition;
  }

  public Set<String> accountIds() {
    return accountIds;
  }

  boolean allows(KmsArn arn) {
    return arn.partition().equals(partition) && accountIds.contains(arn.accountId());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DiscoveryFilter other
        && partition.equals(other.partition)
        && accountIds.equals(other.accountIds);
  }

  @Override
  public int hashCode() {
    return 31 * partition.hashCode() + accountIds.hashCode();
  }

  @Override
  public String toString() {
    return "DiscoveryFilter[partition="
        + partition
        + ", accounts="
        + new TreeSet<>(accountIds)
        + "]";
  }
}

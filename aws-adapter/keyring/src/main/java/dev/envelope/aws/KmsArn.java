package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A KMS key or alias ARN, {@code arn:<partition>:kms:<region>:<account>:key/<id>} or {@code
 * ...:alias/<name>}, parsed strictly. Strictness matters because the ARN in an encrypted data key
 * comes from the message, which an attacker may write: a lenient parser could let a crafted ARN
 * pass a discovery filter it should fail.
 *
 * <p>Follows the ESDK specification's {@code aws-kms-key-arn.md} and adds shape checks on every
 * field (a 12-digit account, lower-case partition and Region, no whitespace or control characters).
 */
final class KmsArn {
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z0-9]+)*");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

  /**
   * Printable, and no longer than KMS allows (an alias name is at most 256 characters; key ids are
   * shorter).
   */
  private static final Pattern RESOURCE_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");

  private final String partition;
  private final String region;
  private final String accountId;
  private final String resourceType;
  private final String resourceId;

  private KmsArn(
      String partition, String region, String accountId, String resourceType, String resourceId) {
    this.partition = partition;
    this.region = region;
    this.accountId = accountId;
    this.resourceType = resourceType;
    this.resourceId = resourceId;
  }

  /**
   * Parses a key or alias ARN.
   *
   * @throws IllegalArgumentException saying which part is wrong
   */
  /** Whether {@code s} has the form of a Region id (the one check for it in this module). */
  static boolean isRegion(String s) {
    return REGION.matcher(s).matches();
  }

  /** Whether {@code s} has the form of an AWS account id: 12 digits. */
  static boolean isAccountId(String s) {
    return ACCOUNT.matcher(s).matches();
  }

  static KmsArn parse(String arn) {
    Objects.requireNonNull(arn, "ARN");
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn")) {
      throw new IllegalArgumentException(
          "not an ARN (expected arn:<partition>:kms:<region>:<account>:key/<id>): "
              + UntrustedText.quote(arn));
    }
    if (!PARTITION.matcher(parts[1]).matches()) {
      throw new IllegalArgumentException("invalid partition in ARN: " + UntrustedText.quote(arn));
    }
    if (!parts[2].equals("kms")) {
      throw new IllegalArgumentException(
          "not a KMS ARN (service must be kms): " + UntrustedText.quote(arn));
    }
    if (!REGION.matcher(parts[3]).matches()) {
      throw new IllegalArgumentException("invalid Region in ARN: " + UntrustedText.quote(arn));
    }
    if (!ACCOUNT.matcher(parts[4]).matches()) {
      throw new IllegalArgumentException(
          "invalid account id in ARN (12 digits expected): " + UntrustedText.quote(arn));
    }
    String resource = parts[5];
    int slash = resource.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "ARN resource must be key/<id> or alias/<name>: " + UntrustedText.quote(arn));
    }
    String type = resource.substring(0, slash);
    String id = resource.substring(slash + 1);
    if (!type.equals("key") && !type.equals("alias")) {
      throw new IllegalArgumentException(
          "ARN resource type must be key or alias: " + UntrustedText.quote(arn));
    }
    if (!RESOURCE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid resource id in ARN: " + UntrustedText.quote(arn));
    }
    return new KmsArn(parts[1], parts[3], parts[4], type, id);
  }

  /** The parsed ARN, or null when {@code arn} is not a valid key or alias ARN. */
  static KmsArn tryParse(String arn) {
    try {
      return parse(arn);
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }

  /**
   * The ESDK's "AWS KMS MRK match for decrypt": identical ARNs match; otherwise both must be
   * multi-Region keys that differ only in Region. Aliases and single-Region keys only match
   * themselves.
   */
  static boolean mrkMatch(KmsArn a, KmsArn b) {
    if (a.equals(b)) {
      return true;
    }
    return a.isMultiRegionKey()
        && b.isMultiRegionKey()
        && a.partition.equals(b.partition)
        && a.accountId.equals(b.accountId)
        && a.resourceId.equals(b.resourceId);
  }

  String partition() {
    return partition;
  }

  String region() {
    return region;
  }

  String accountId() {
    return accountId;
  }

  String resourceType() {
    return resourceType;
  }

  String resourceId() {
    return resourceId;
  }

  boolean isKey() {
    return resourceType.equals("key");
  }

  boolean isAlias() {
    return resourceType.equals("alias");
  }

  /**
   * A multi-Region key: resource type key and an id starting with {@code mrk-}. An alias never is
   * one.
   */
  boolean isMultiRegionKey() {
    return isKey() && resourceId.startsWith("mrk-");
  }

  /** The same key in another Region (for multi-Region key replicas). */
  KmsArn withRegion(String newRegion) {
    if (!REGION.matcher(newRegion).matches()) {
      throw new IllegalArgumentException("invalid Region: " + UntrustedText.quote(newRegion));
    }
    return new KmsArn(partition, newRegion, accountId, resourceType, resourceId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KmsArn other
        && partition.equals(other.partition)
        && region.equals(other.region)
        && accountId.equals(other.accountId)
        && resourceType.equals(other.resourceType)
        && resourceId.equals(other.resourceId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partition, region, accountId, resourceType, resourceId);
  }

  @Override
  public String toString() {
    return "arn:"
        + partition
        + ":kms:"
        + region
        + ":"
        + accountId
        + ":"
        + resourceType
        + "/"
        + resourceId;
  }
}

package dev.envelope.aws.local;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One caller of the local KMS: the access key id its SigV4 requests carry, the IAM principal it
 * stands for and the IAM identity policies attached to that principal.
 *
 * <p>{@code viaService} simulates a request that an AWS service (e.g. {@code
 * s3.us-east-1.amazonaws.com}) makes on the principal's behalf: requests with this access key carry
 * {@code kms:ViaService}. Several access keys may share one principal ARN, e.g. one direct and one
 * through a service.
 *
 * @param accessKeyId the SigV4 access key id
 * @param secretAccessKey the secret; when non-null and signature checks are on, signatures are
 *     verified with it
 * @param arn the principal, e.g. {@code arn:aws:iam::111122223333:role/App}
 * @param iamPolicies identity policies as JSON documents
 * @param viaService the service the calls appear to come through, or null
 * @param permissionsBoundary the permissions boundary of the principal's IAM user or role (for a
 *     session, of its role) as a JSON policy, or null
 * @param sessionPolicies for a role session ({@code arn:aws:sts::...:assumed-role/...}), the
 *     session policies passed to AssumeRole, as JSON policies; empty if none
 */
public record PrincipalConfig(
    String accessKeyId,
    String secretAccessKey,
    String arn,
    List<String> iamPolicies,
    String viaService,
    String permissionsBoundary,
    List<String> sessionPolicies) {
  private static final Pattern IAM_ARN =
      Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::(\\d{12}):.+");

  public PrincipalConfig {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(arn, "arn");
    if (!IAM_ARN.matcher(arn).matches()) {
      throw new IllegalArgumentException("Not an IAM principal ARN: " + arn);
    }
    iamPolicies = List.copyOf(iamPolicies == null ? List.of() : iamPolicies);
    sessionPolicies = List.copyOf(sessionPolicies == null ? List.of() : sessionPolicies);
  }

  /** A principal without permissions boundary and session policies. */
  public PrincipalConfig(
      String accessKeyId,
      String secretAccessKey,
      String arn,
      List<String> iamPolicies,
      String viaService) {
    this(accessKeyId, secretAccessKey, arn, iamPolicies, viaService, null, List.of());
  }

  /** A direct caller with the given identity policies and no signature secret. */
  public static PrincipalConfig of(String accessKeyId, String arn, String... iamPolicies) {
    return new PrincipalConfig(accessKeyId, null, arn, List.of(iamPolicies), null);
  }

  public PrincipalConfig withSecret(String secret) {
    return new PrincipalConfig(
        accessKeyId, secret, arn, iamPolicies, viaService, permissionsBoundary, sessionPolicies);
  }

  /** The same principal with a permissions boundary (a JSON policy). */
  public PrincipalConfig withPermissionsBoundary(String boundary) {
    return new PrincipalConfig(
        accessKeyId, secretAccessKey, arn, iamPolicies, viaService, boundary, sessionPolicies);
  }

  /** The same principal, a role session, with these session policies (JSON policies). */
  public PrincipalConfig withSessionPolicies(String... policies) {
    return new PrincipalConfig(
        accessKeyId,
        secretAccessKey,
        arn,
        iamPolicies,
        viaService,
        permissionsBoundary,
        List.of(policies));
  }

  public PrincipalConfig withViaService(String service) {
    return new PrincipalConfig(
        accessKeyId,
        secretAccessKey,
        arn,
        iamPolicies,
        service,
        permissionsBoundary,
        sessionPolicies);
  }

  /** The account id taken from the ARN. */
  public String accountId() {
    Matcher m = IAM_ARN.matcher(arn);
    m.matches();
    return m.group(1);
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "PrincipalConfig[accessKeyId="
        + accessKeyId
        + ", arn="
        + arn
        + ", iamPolicies="
        + iamPolicies.size()
        + ", viaService="
        + viaService
        + ", permissionsBoundary="
        + (permissionsBoundary != null)
        + ", sessionPolicies="
        + sessionPolicies.size()
        + "]";
  }
}

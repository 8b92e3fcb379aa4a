package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.CallerPolicies;
import dev.envelope.aws.policy.PolicyDocument;
import java.util.List;

/**
 * A principal of the environment: its ARN, identity policies, organization id, permissions boundary
 * (or null) and, for a role session, its session policies.
 */
record EnvPrincipal(
    String arn,
    List<PolicyDocument> policies,
    String principalOrgId,
    PolicyDocument permissionsBoundary,
    List<PolicyDocument> sessionPolicies) {

  /** The caller's policies; session policies count only for the session they were passed to. */
  CallerPolicies callerPolicies(String callerArn) {
    CallerPolicies.Builder b = CallerPolicies.builder().identityPolicies(policies);
    if (permissionsBoundary != null) {
      b.permissionsBoundary(permissionsBoundary);
    }
    if (arn.equals(callerArn)) {
      b.sessionPolicies(sessionPolicies);
    }
    return b.build();
  }
}

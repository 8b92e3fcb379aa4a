package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.PolicyDocument;
import java.util.List;

/** A principal of the environment: its ARN, identity policies and organization id. */
record EnvPrincipal(String arn, List<PolicyDocument> policies, String principalOrgId) {}

package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.PolicyDocument;
import java.util.List;

/**
 * A key of the environment: its ARNs (one per Region for multi-Region keys), aliases, state and
 * parsed key policy.
 */
record EnvKey(
    String keyId,
    String accountId,
    String region,
    List<String> arns,
    List<String> aliasArns,
    String state,
    PolicyDocument policy) {

  String primaryArn() {
    return arns.get(0);
  }
}

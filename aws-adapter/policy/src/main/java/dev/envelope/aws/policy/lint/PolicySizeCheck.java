package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.PolicyDocument;
import java.nio.charset.StandardCharsets;

/** ENV-KP-011: KMS refuses key policies over 32 KB (UTF-8 bytes). */
final class PolicySizeCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.POLICY_TOO_LARGE;
  }

  @Override
  public void run(LintContext ctx) {
    int size = ctx.keyPolicy.json.getBytes(StandardCharsets.UTF_8).length;
    if (size > PolicyDocument.KEY_POLICY_MAX_BYTES) {
      ctx.reportPolicy(
          rule(),
          ctx.keyPolicy.source,
          "The key policy is "
              + size
              + " bytes; KMS allows at most "
              + PolicyDocument.KEY_POLICY_MAX_BYTES
              + ", so PutKeyPolicy will fail.",
          "Shrink it by "
              + (size - PolicyDocument.KEY_POLICY_MAX_BYTES)
              + " bytes: merge"
              + " statements with the same actions, name roles instead of many users, drop"
              + " whitespace, or move per-principal access to grants.");
    }
  }
}

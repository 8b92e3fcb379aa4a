package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Condition;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Statement;

/**
 * ENV-KP-007: a user statement allowing CreateGrant without kms:GrantIsForAWSResource true. A
 * statement that limits the grants themselves is deliberate and quiet: kms:ViaService (CreateGrant
 * only through an AWS service, as in the guide's policies for AWS managed keys),
 * kms:GrantOperations or kms:GranteePrincipal (the guide's examples for those keys; with
 * kms:GrantOperations even ForAllValues limits, since CreateGrant requires operations).
 */
final class UserCreateGrantCheck implements Check {
  private static final java.util.Set<String> GRANT_LIMITS =
      java.util.Set.of("kms:viaservice", "kms:grantoperations", "kms:granteeprincipal");

  @Override
  public LintRule rule() {
    return LintRule.USER_UNRESTRICTED_CREATE_GRANT;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!RoleChecks.inScope(s)
          || !KmsActions.isUser(s)
          || !KmsActions.grants(s, KmsOperation.CREATE_GRANT)) {
        continue;
      }
      if (!requiresAwsResource(s) && !limitsGrants(s)) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "This key-user statement allows kms:CreateGrant without requiring"
                + " kms:GrantIsForAWSResource: its principals can give their access to any"
                + " principal, outside the key policy.",
            "Add \"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}} to the"
                + " statement (or move CreateGrant to one that has it).");
      }
    }
  }

  private static boolean limitsGrants(Statement s) {
    return s.conditions().stream()
        .anyMatch(
            c ->
                GRANT_LIMITS.contains(c.key().toLowerCase(java.util.Locale.ROOT))
                    && !c.negated()
                    && !c.ifExists()
                    && !c.baseOperator().equals("Null")
                    && c.values().stream().noneMatch("*"::equals));
  }

  private static boolean requiresAwsResource(Statement s) {
    for (Condition c : s.conditions()) {
      if (c.key().equalsIgnoreCase("kms:GrantIsForAWSResource")
          && c.baseOperator().equals("Bool")
          && !c.ifExists()
          && c.values().stream().allMatch(v -> v.equalsIgnoreCase("true"))) {
        return true;
      }
    }
    return false;
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Statement;
import java.util.List;

/**
 * ENV-KP-006: a user statement (see {@link KmsActions}) holding PutKeyPolicy/ScheduleKeyDeletion.
 */
final class UserHoldsAdminCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.USER_HOLDS_ADMIN;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!RoleChecks.inScope(s) || !KmsActions.isUser(s)) {
        continue;
      }
      List<KmsOperation> forbidden = KmsActions.granted(s, KmsActions.USER_FORBIDDEN);
      if (!forbidden.isEmpty()) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "This key-user statement (it grants "
                + KmsActions.granted(s, KmsActions.CRYPTO)
                + ") also grants "
                + forbidden
                + ": its principals can rewrite the policy or"
                + " destroy the key.",
            "Remove "
                + forbidden
                + " from this statement; grant them only to a key-administrator"
                + " role.");
      }
    }
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** ENV-KP-004: kms:* (or *) to anything but an account root, i.e. to a role, user or everyone. */
final class KmsStarCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.KMS_STAR_TO_NON_ROOT;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!Statements.isAllow(s) || s.notPrincipal() || !KmsActions.grantsEverything(s)) {
        continue;
      }
      List<String> nonRoot = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : s.principals().entrySet()) {
        for (String p : e.getValue()) {
          if (!e.getKey().equals("AWS") || LintContext.rootAccount(p).isEmpty()) {
            nonRoot.add(p);
          }
        }
      }
      if (!nonRoot.isEmpty()) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "kms:* is allowed to "
                + nonRoot
                + ": they can both administer (PutKeyPolicy,"
                + " ScheduleKeyDeletion) and use (Decrypt) the key.",
            "Replace kms:* by the actions this principal needs: the management actions for a key"
                + " administrator, or kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*,"
                + " kms:ReEncrypt*, kms:DescribeKey for a key user.");
      }
    }
  }
}

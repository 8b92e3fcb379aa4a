package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;

/** ENV-KP-002: kms:* to the key account's root, the KMS default key policy. Informational. */
final class RootDelegationCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.ROOT_DELEGATES_ALL;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!Statements.isAllow(s) || s.notPrincipal() || !KmsActions.grantsEverything(s)) {
        continue;
      }
      boolean ownRoot =
          Statements.awsPrincipals(s).stream()
              .map(LintContext::rootAccount)
              .anyMatch(a -> a.isPresent() && a.get().equals(ctx.keyAccount));
      if (ownRoot) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "kms:* is allowed to account "
                + ctx.keyAccount
                + ": every IAM user and role in that"
                + " account whose IAM policy allows a KMS action (including PutKeyPolicy and"
                + " ScheduleKeyDeletion) can perform it on this key; the key's blast radius is"
                + " the account's IAM.",
            "Intended if IAM manages access. Otherwise replace it by statements naming the key"
                + " administrators and key users, keeping kms:PutKeyPolicy for an administrator.");
      }
    }
  }
}

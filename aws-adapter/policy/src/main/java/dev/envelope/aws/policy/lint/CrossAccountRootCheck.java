package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;
import java.util.Optional;
import java.util.Set;

/**
 * ENV-KP-009: another account named only by its root (or bare id). That delegates to the other
 * account's IAM: whoever administers IAM there decides who uses this key. A condition on
 * aws:PrincipalArn narrows it to named roles and silences the rule.
 */
final class CrossAccountRootCheck implements Check {
  private static final Set<String> NARROWING = Set.of("aws:principalarn");

  @Override
  public LintRule rule() {
    return LintRule.CROSS_ACCOUNT_ROOT;
  }

  @Override
  public void run(LintContext ctx) {
    if (ctx.keyAccount == null) {
      return;
    }
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!Statements.isAllow(s) || s.notPrincipal() || Statements.restrictsOn(s, NARROWING)) {
        continue;
      }
      for (String p : Statements.awsPrincipals(s)) {
        Optional<String> account = LintContext.rootAccount(p);
        if (account.isPresent() && !account.get().equals(ctx.keyAccount)) {
          ctx.report(
              rule(),
              ctx.keyPolicy,
              ls,
              "Account "
                  + account.get()
                  + " is named by its root ("
                  + p
                  + "): this delegates to"
                  + " every IAM principal of account "
                  + account.get()
                  + " whose IAM policy allows"
                  + " the action; that account's administrators decide who uses this key.",
              "Name the roles of account "
                  + account.get()
                  + " that need the key (e.g."
                  + " arn:aws:iam::"
                  + account.get()
                  + ":role/App), or add an ArnEquals condition on"
                  + " aws:PrincipalArn.");
        }
      }
    }
  }
}

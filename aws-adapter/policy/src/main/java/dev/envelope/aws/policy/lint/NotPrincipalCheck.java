package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;

/** ENV-KP-013: Allow with NotPrincipal allows everyone not listed, in every account. */
final class NotPrincipalCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.ALLOW_NOT_PRINCIPAL;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (Statements.isAllow(s) && s.notPrincipal()) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "Allow with NotPrincipal "
                + s.principals()
                + " allows "
                + s.actions()
                + " to every principal of every account except those listed.",
            "Use \"Principal\" with the principals to allow. NotPrincipal belongs in Deny"
                + " statements, e.g. to deny everyone but a break-glass role.");
      }
    }
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;

/** ENV-KP-014: Allow with NotAction grants everything else, including future actions. */
final class NotActionCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.ALLOW_NOT_ACTION;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedPolicy p : ctx.allPolicies()) {
      for (LintedStatement ls : p.statements) {
        Statement s = ls.statement();
        if (Statements.isAllow(s) && s.notAction()) {
          ctx.report(
              rule(),
              p,
              ls,
              "Allow with NotAction "
                  + s.actions()
                  + " allows every other action, "
                  + KmsActions.granted(s, KmsActions.MANAGEMENT).size()
                  + " KMS management actions among them, and any action KMS adds later.",
              "List the allowed actions with \"Action\". Use NotAction only in Deny statements.");
        }
      }
    }
  }
}

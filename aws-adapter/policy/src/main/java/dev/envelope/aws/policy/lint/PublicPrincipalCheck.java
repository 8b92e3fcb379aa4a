package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;
import java.util.Set;

/**
 * ENV-KP-003: Allow to {@code "*"} with no condition that pins the caller's account, organization
 * or calling service. Conditions on other keys (encryption context, tags) do not count: anyone who
 * can supply those values gets in.
 */
final class PublicPrincipalCheck implements Check {
  static final Set<String> RESTRICTING_KEYS =
      Set.of(
          "kms:calleraccount",
          "kms:viaservice",
          "aws:principalorgid",
          "aws:principalorgpaths",
          "aws:principalaccount",
          "aws:principalarn",
          "aws:sourceaccount",
          "aws:sourcearn");

  @Override
  public LintRule rule() {
    return LintRule.PUBLIC_PRINCIPAL;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!Statements.isAllow(s)
          || s.notPrincipal()
          || !Statements.awsPrincipals(s).contains("*")) {
        continue;
      }
      if (!Statements.restrictsOn(s, RESTRICTING_KEYS)) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "Principal \"*\" is allowed "
                + s.actions()
                + " with no condition on the caller's"
                + " account, organization or calling service: any AWS principal in any account"
                + " can make these calls.",
            "Add e.g. \"StringEquals\": {\"kms:CallerAccount\": \""
                + account(ctx)
                + "\"} (with kms:ViaService for a service), or aws:PrincipalOrgID for an"
                + " organization, or name the principals instead of \"*\".");
      }
    }
  }

  private static String account(LintContext ctx) {
    return ctx.keyAccount != null ? ctx.keyAccount : "111122223333";
  }
}

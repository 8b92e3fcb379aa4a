package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;
import java.util.Optional;
import java.util.TreeSet;

/**
 * ENV-KP-010: when the key policy lets other accounts in, their IAM policies are the second half of
 * cross-account access. One with {@code Resource: "*"} reaches every key that trusts the account,
 * today and in future, not just this one.
 */
final class IamResourceStarCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.IAM_CROSS_ACCOUNT_RESOURCE_STAR;
  }

  @Override
  public void run(LintContext ctx) {
    TreeSet<String> others = new TreeSet<>();
    if (ctx.keyAccount != null) {
      for (LintedStatement ls : ctx.keyPolicy.statements) {
        if (!Statements.isAllow(ls.statement())) {
          continue;
        }
        for (String p : Statements.awsPrincipals(ls.statement())) {
          Optional<String> a = LintContext.accountOf(p);
          if (a.isPresent() && !a.get().equals(ctx.keyAccount)) {
            others.add(a.get());
          }
        }
      }
    }
    if (others.isEmpty()) {
      return; // not a cross-account key: the IAM policies are not the caller side of one
    }
    for (LintedPolicy p : ctx.iamPolicies) {
      for (LintedStatement ls : p.statements) {
        Statement s = ls.statement();
        if (!Statements.isAllow(s) || !KmsActions.mentionsKms(s)) {
          continue;
        }
        if (s.notResource() || s.resources().contains("*")) {
          ctx.report(
              rule(),
              p,
              ls,
              "This IAM policy allows "
                  + s.actions()
                  + " on "
                  + (s.notResource() ? "NotResource " + s.resources() : "\"Resource\": \"*\"")
                  + "; the key policy trusts account(s) "
                  + others
                  + ", so this reaches every"
                  + " key in any account that trusts the caller's account, not just this key.",
              "Set \"Resource\" to the key ARN(s), e.g. \"arn:aws:kms:REGION:"
                  + ctx.keyAccount
                  + ":key/KEY_ID\".");
        }
      }
    }
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.KeyPolicyProblem;
import dev.envelope.aws.policy.KeyPolicyValidator;
import dev.envelope.aws.policy.Statement;

/**
 * ENV-KP-011, ENV-KP-016 and ENV-KP-017: what {@link KeyPolicyValidator} (the checks the local KMS
 * makes in CreateKey and PutKeyPolicy) finds in the key policy. Problems of the policy's grammar
 * (bad JSON or elements, unknown operators, invalid principals, a statement without principal) come
 * from the same parser and are reported as ENV-KP-012 by {@link LintedPolicy}; this check reports
 * the rest, in KMS's words, so that the linter refuses exactly what KMS refuses.
 */
final class KmsValidationCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.KMS_REJECTS_POLICY;
  }

  @Override
  public void run(LintContext ctx) {
    LintedPolicy kp = ctx.keyPolicy;
    KeyPolicyValidator.Result result = KeyPolicyValidator.check(kp.json);
    for (KeyPolicyProblem p : result.problems()) {
      switch (p.kind()) {
        case TOO_LARGE ->
            ctx.reportPolicy(
                LintRule.POLICY_TOO_LARGE,
                kp.source,
                p.errorCode() + ": " + p.message(),
                "Shrink it: merge statements with the same actions, name roles instead of many"
                    + " users, drop whitespace, or move per-principal access to grants.");
        case INVALID_CHARACTERS ->
            ctx.reportPolicy(
                rule(),
                kp.source,
                p.errorCode() + ": " + p.message(),
                "Replace the character with printable ASCII (for example in a Sid or a condition"
                    + " value).");
        case OVERLY_PERMISSIVE_CONDITION -> {
          LintedStatement ls = statement(kp, p.statementIndex());
          String fix =
              "Remove ForAllValues: use StringEquals on kms:EncryptionContext:<key>; set operators"
                  + " belong on kms:EncryptionContextKeys.";
          if (ls != null) {
            ctx.report(rule(), kp, ls, p.errorCode() + ": " + p.message(), fix);
          } else {
            ctx.reportPolicy(rule(), kp.source, p.errorCode() + ": " + p.message(), fix);
          }
        }
        default -> {} // grammar problems: ENV-KP-012 from LintedPolicy
      }
    }
    for (LintedStatement ls : kp.statements) {
      Statement s = ls.statement();
      if (s.ineffective()) {
        ctx.report(
            LintRule.STATEMENT_WITHOUT_EFFECT,
            kp,
            ls,
            "The statement has no "
                + (s.actions().isEmpty() ? "Action or NotAction" : "Resource or NotResource")
                + ": KMS accepts the policy, but the statement applies to no request.",
            s.actions().isEmpty()
                ? "Add the Action element with the kms: actions the statement is about."
                : "Add \"Resource\": \"*\" (in a key policy, * is the key itself).");
      }
    }
    if (ctx.deployer != null && result.policy().isPresent() && ctx.keyAccount != null) {
      String keyArn = "arn:aws:kms:us-east-1:" + ctx.keyAccount + ":key/linted-key";
      KeyPolicyValidator.lockout(result.policy().get(), CallerIdentity.of(ctx.deployer), keyArn)
          .ifPresent(
              p ->
                  ctx.reportPolicy(
                      rule(),
                      kp.source,
                      p.errorCode()
                          + ": "
                          + p.message()
                          + " (policy lockout safety check for "
                          + ctx.deployer
                          + ")",
                      "Keep a statement that allows "
                          + ctx.deployer
                          + " kms:PutKeyPolicy, or the account-root statement that delegates to"
                          + " IAM."));
    }
  }

  private static LintedStatement statement(LintedPolicy p, int index) {
    return p.statements.stream().filter(s -> s.index() == index).findFirst().orElse(null);
  }
}

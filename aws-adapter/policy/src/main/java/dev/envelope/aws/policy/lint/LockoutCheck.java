package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.KmsOperation;

/**
 * ENV-KP-001. KMS's own lockout safety check asks whether the principal calling PutKeyPolicy can
 * still call it afterwards; statically we ask whether anyone can: some Allow statement with a
 * Principal (not NotPrincipal) must grant kms:PutKeyPolicy.
 */
final class LockoutCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.LOCKOUT;
  }

  @Override
  public void run(LintContext ctx) {
    LintedPolicy kp = ctx.keyPolicy;
    if (kp.incomplete) {
      return; // an unparsable statement may be the admin one; INVALID_STATEMENT already fires
    }
    boolean administrable =
        kp.statements.stream()
            .map(LintedStatement::statement)
            .anyMatch(
                s ->
                    Statements.isAllow(s)
                        && s.hasPrincipal()
                        && !s.notPrincipal()
                        && KmsActions.grants(s, KmsOperation.PUT_KEY_POLICY));
    if (!administrable) {
      ctx.reportPolicy(
          rule(),
          kp.source,
          "No Allow statement grants kms:PutKeyPolicy to any principal: nobody could change this"
              + " policy again (KMS refuses it unless BypassPolicyLockoutSafetyCheck is set).",
          "Add the account-root statement (Principal arn:aws:iam::ACCOUNT:root, Action kms:*) or a"
              + " key-administrator statement that grants kms:PutKeyPolicy to a role you control.");
    }
  }
}

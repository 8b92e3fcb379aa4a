package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Statement;
import java.util.List;

/** ENV-KP-005: an administrator statement (see {@link KmsActions}) that can also use the key. */
final class AdminHoldsCryptoCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.ADMIN_HOLDS_CRYPTO;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedStatement ls : ctx.keyPolicy.statements) {
      Statement s = ls.statement();
      if (!RoleChecks.inScope(s) || !KmsActions.isAdministrator(s)) {
        continue;
      }
      List<KmsOperation> crypto = KmsActions.granted(s, KmsActions.CRYPTO);
      if (!crypto.isEmpty()) {
        ctx.report(
            rule(),
            ctx.keyPolicy,
            ls,
            "This key-administrator statement (it grants "
                + KmsActions.granted(s, KmsActions.MANAGEMENT).size()
                + " management actions) also grants "
                + crypto
                + ".",
            "Remove the cryptographic actions from this statement and grant them in a key-user"
                + " statement to the principals that encrypt and decrypt.");
      }
    }
  }
}

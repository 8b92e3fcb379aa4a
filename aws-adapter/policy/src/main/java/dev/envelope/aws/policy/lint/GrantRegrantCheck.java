package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Grant;
import java.util.TreeSet;

/** ENV-KP-015: a grant that includes CreateGrant lets its grantee spread access further. */
final class GrantRegrantCheck implements Check {
  @Override
  public LintRule rule() {
    return LintRule.GRANT_CAN_REGRANT;
  }

  @Override
  public void run(LintContext ctx) {
    for (Grant g : ctx.grants) {
      if (g.operations().stream().anyMatch(o -> o.equalsIgnoreCase("CreateGrant"))) {
        ctx.reportPolicy(
            rule(),
            ctx.grantsSource,
            "Grant "
                + g.grantId()
                + (g.name() != null ? " ('" + g.name() + "')" : "")
                + " to "
                + g.granteePrincipal()
                + " includes CreateGrant (operations "
                + new TreeSet<>(g.operations())
                + "): the grantee can create grants for other"
                + " principals.",
            "Retire the grant and create it again without CreateGrant, unless the grantee is an"
                + " AWS service that must delegate.");
      }
    }
  }
}

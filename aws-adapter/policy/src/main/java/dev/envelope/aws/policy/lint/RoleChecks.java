package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;

/**
 * Which key-policy statements the role rules (ENV-KP-005..007) look at: Allow statements with a
 * Principal, neither delegating to an account (ENV-KP-002/009 speak about those) nor granting
 * everything (ENV-KP-004) nor using NotAction/NotPrincipal (ENV-KP-013/014), so that one problem is
 * reported once.
 */
final class RoleChecks {
  private RoleChecks() {}

  static boolean inScope(Statement s) {
    return Statements.isAllow(s)
        && s.hasPrincipal()
        && !s.notPrincipal()
        && !s.notAction()
        && !KmsActions.grantsEverything(s)
        && !Statements.onlyAccountPrincipals(s);
  }
}

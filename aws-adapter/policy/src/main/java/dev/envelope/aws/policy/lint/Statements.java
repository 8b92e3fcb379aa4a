package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Condition;
import dev.envelope.aws.policy.Statement;
import dev.envelope.aws.policy.StatementEffect;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Small questions about statements that several checks ask. */
final class Statements {
  private Statements() {}

  static boolean isAllow(Statement s) {
    return s.effect() == StatementEffect.ALLOW;
  }

  static List<String> awsPrincipals(Statement s) {
    return s.principals().getOrDefault("AWS", List.of());
  }

  /** True if every principal is an account (root ARN or id): the statement delegates to IAM. */
  static boolean onlyAccountPrincipals(Statement s) {
    if (s.principals().isEmpty() || s.notPrincipal()) {
      return false;
    }
    if (s.principals().keySet().stream().anyMatch(k -> !k.equals("AWS"))) {
      return false;
    }
    return awsPrincipals(s).stream().allMatch(p -> LintContext.rootAccount(p).isPresent());
  }

  /**
   * True if the statement has a positive, unconditional-in-effect test on one of {@code keys}
   * (lower case): not negated, not IfExists (an absent key would pass), not ForAllValues (an absent
   * key passes vacuously), not Null, and no value that is a bare wildcard.
   */
  static boolean restrictsOn(Statement s, Set<String> keys) {
    for (Condition c : s.conditions()) {
      if (!keys.contains(c.key().toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (c.negated()
          || c.ifExists()
          || c.setQualifier() == Condition.SetQualifier.FOR_ALL_VALUES
          || c.baseOperator().equals("Null")) {
        continue;
      }
      if (c.values().stream().anyMatch(v -> v.equals("*"))) {
        continue;
      }
      return true;
    }
    return false;
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Condition;
import dev.envelope.aws.policy.ConditionKeyType;
import java.util.Locale;

/**
 * ENV-KP-018 and ENV-KP-019: the operator of every condition against the key it compares, in the
 * key policy and the IAM policies. Set operators belong on multivalued keys and single-valued
 * operators on single-valued keys (KMS developer guide, "AWS KMS condition keys", set operators;
 * ForAllValues and ForAnyValue on kms:EncryptionContext:context-key are ENV-KP-016 and ENV-KP-008);
 * the operator's family must compare the key's documented condition type.
 */
final class ConditionTypeCheck implements Check {
  private static final String CONTEXT_PAIR = "kms:encryptioncontext:";

  @Override
  public LintRule rule() {
    return LintRule.OPERATOR_TYPE_MISMATCH;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedPolicy p : ctx.allPolicies()) {
      for (LintedStatement ls : p.statements) {
        for (Condition c : ls.statement().conditions()) {
          setOperator(ctx, p, ls, c);
          type(ctx, p, ls, c);
        }
      }
    }
  }

  private static void setOperator(
      LintContext ctx, LintedPolicy p, LintedStatement ls, Condition c) {
    if (c.baseOperator().equals("Null")) {
      return; // Null asks whether the key is present; it suits every key
    }
    boolean qualified = c.setQualifier() != Condition.SetQualifier.NONE;
    if (qualified && !c.keyIsMultiValued()) {
      if (c.key().toLowerCase(Locale.ROOT).startsWith(CONTEXT_PAIR)) {
        return; // ENV-KP-016 (KMS refuses ForAllValues) and ENV-KP-008
      }
      String plain = c.operator().substring(c.operator().indexOf(':') + 1);
      ctx.report(
          LintRule.SET_OPERATOR_MISMATCH,
          p,
          ls,
          c.operator()
              + " on "
              + c.key()
              + ": the key is single-valued"
              + (c.setQualifier() == Condition.SetQualifier.FOR_ALL_VALUES
                  ? ", and ForAllValues holds when the request has no value for it at all"
                  : "; ForAnyValue merely acts as " + plain),
          "Write \"" + plain + "\": {\"" + c.key() + "\": " + c.values() + "}.");
    } else if (!qualified && c.keyIsMultiValued()) {
      ctx.report(
          LintRule.SET_OPERATOR_MISMATCH,
          p,
          ls,
          c.operator()
              + " on "
              + c.key()
              + ": the key is multivalued and the operator does not say whether any or every"
              + " value of the request must match",
          "Write \"ForAnyValue:"
              + c.operator()
              + "\" (at least one value must match) or \"ForAllValues:"
              + c.operator()
              + "\" (every value must match; add a Null check if the key may be absent).");
    }
  }

  private static void type(LintContext ctx, LintedPolicy p, LintedStatement ls, Condition c) {
    String family = family(c.baseOperator());
    ConditionKeyType type = c.keyType();
    if (family.equals("Null") || fits(family, type)) {
      return;
    }
    ctx.report(
        LintRule.OPERATOR_TYPE_MISMATCH,
        p,
        ls,
        c.operator()
            + " on "
            + c.key()
            + ": "
            + c.key()
            + " is of type "
            + type.name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + ", which "
            + family
            + " operators cannot compare, so the condition "
            + (c.negated() ? "always holds" : "never holds"),
        "Use " + expected(type) + " on " + c.key() + ".");
  }

  /** String, Arn, Numeric, Date, Ip, Bool or Null. */
  static String family(String baseOperator) {
    if (baseOperator.startsWith("String")) {
      return "String";
    }
    if (baseOperator.startsWith("Arn")) {
      return "Arn";
    }
    if (baseOperator.startsWith("Numeric")) {
      return "Numeric";
    }
    if (baseOperator.startsWith("Date")) {
      return "Date";
    }
    if (baseOperator.endsWith("IpAddress")) {
      return "Ip";
    }
    return baseOperator; // Bool, Null
  }

  private static boolean fits(String family, ConditionKeyType type) {
    return switch (type) {
      case STRING -> family.equals("String");
      case ARN -> family.equals("String") || family.equals("Arn");
      case BOOLEAN -> family.equals("Bool") || family.equals("String");
      case NUMERIC -> family.equals("Numeric");
      case DATE -> family.equals("Date");
      case NUMERIC_OR_DATE -> family.equals("Numeric") || family.equals("Date");
      case IP_ADDRESS -> family.equals("Ip");
    };
  }

  private static String expected(ConditionKeyType type) {
    return switch (type) {
      case STRING -> "a String operator (StringEquals, StringLike, ...)";
      case ARN -> "ArnLike/ArnEquals or a String operator";
      case BOOLEAN -> "Bool";
      case NUMERIC -> "a Numeric operator";
      case DATE -> "a Date operator";
      case NUMERIC_OR_DATE -> "a Numeric or Date operator";
      case IP_ADDRESS -> "IpAddress or NotIpAddress";
    };
  }
}

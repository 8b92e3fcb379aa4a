package dev.envelope.aws.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One condition test: an operator applied to one condition key with one or more policy values. A
 * statement's conditions are AND-ed; the values within one condition are OR-ed (NOR-ed for negated
 * operators), as IAM defines.
 */
public final class Condition {

  /** The ForAllValues:/ForAnyValue: prefix of an operator, if any. */
  public enum SetQualifier {
    NONE,
    FOR_ALL_VALUES,
    FOR_ANY_VALUE
  }

  private final String operator;
  private final Operator base;
  private final SetQualifier qualifier;
  private final boolean ifExists;
  private final String key;
  private final List<String> values;

  /** True if some value holds a policy variable to replace from the request. */
  private final boolean variables;

  private Condition(
      String operator,
      Operator base,
      SetQualifier qualifier,
      boolean ifExists,
      String key,
      List<String> values,
      boolean variables) {
    this.operator = operator;
    this.base = base;
    this.qualifier = qualifier;
    this.ifExists = ifExists;
    this.key = key;
    this.values = List.copyOf(values);
    this.variables = variables;
  }

  /** Parses and validates one operator/key/values triple, without policy variables. */
  static Condition of(String operator, String key, List<String> values) {
    return of(operator, key, values, false);
  }

  /**
   * Parses and validates one operator/key/values triple.
   *
   * @param variables true in a Version 2012-10-17 policy, where ${...} in the values of String and
   *     Arn operators is a policy variable
   */
  static Condition of(String operator, String key, List<String> values, boolean variables) {
    Objects.requireNonNull(operator, "operator");
    String rest = operator;
    SetQualifier qualifier = SetQualifier.NONE;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      String prefix = rest.substring(0, colon);
      if (prefix.equalsIgnoreCase("ForAllValues")) {
        qualifier = SetQualifier.FOR_ALL_VALUES;
      } else if (prefix.equalsIgnoreCase("ForAnyValue")) {
        qualifier = SetQualifier.FOR_ANY_VALUE;
      } else {
        throw new PolicyException(
            PolicyException.Reason.UNKNOWN_OPERATOR,
            "Unknown set qualifier '"
                + prefix
                + "' in condition operator '"
                + operator
                + "'; only ForAllValues: and ForAnyValue: exist.");
      }
      rest = rest.substring(colon + 1);
    }
    boolean ifExists = false;
    if (rest.toLowerCase(Locale.ROOT).endsWith("ifexists")) {
      ifExists = true;
      rest = rest.substring(0, rest.length() - "IfExists".length());
    }
    Operator base = Operator.byName(rest, operator);
    if (base == Operator.NULL && (ifExists || qualifier != SetQualifier.NONE)) {
      throw new PolicyException(
          PolicyException.Reason.UNKNOWN_OPERATOR,
          "Condition operator '"
              + operator
              + "' is invalid: Null takes neither IfExists nor a"
              + " set qualifier.");
    }
    ConditionKeys.requireKnown(key);
    if (values.isEmpty()) {
      throw new PolicyException(
          "Condition " + operator + " on " + key + " has no values; give at least one.");
    }
    for (String v : values) {
      validateValue(operator, base, key, v);
    }
    boolean substitutes =
        variables && base.takesVariables() && values.stream().anyMatch(PolicyVariables::has);
    if (substitutes) {
      for (String v : values) {
        PolicyVariables.validate(v, "Condition " + operator + " on " + key);
      }
    }
    return new Condition(operator, base, qualifier, ifExists, key, values, substitutes);
  }

  private static void validateValue(String operator, Operator base, String key, String v) {
    if (base == Operator.BOOL || base == Operator.NULL) {
      if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_CONDITION_VALUE,
            "Condition "
                + operator
                + " on "
                + key
                + " needs \"true\" or \"false\", got \""
                + v
                + "\".");
      }
    } else if (base.date()) {
      if (PolicyDates.parse(v).isEmpty()) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_CONDITION_VALUE,
            "Condition "
                + operator
                + " on "
                + key
                + " needs an ISO 8601 date (2026-01-31 or"
                + " 2026-01-31T12:00:00Z) or epoch seconds, got \""
                + v
                + "\".");
      }
    } else if (base.ip()) {
      if (!IpRanges.validRange(v)) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_CONDITION_VALUE,
            "Condition "
                + operator
                + " on "
                + key
                + " needs an IP address or CIDR block such as"
                + " 203.0.113.0/24, got \""
                + v
                + "\".");
      }
    } else if (base.numeric()) {
      try {
        new BigDecimal(v.trim());
      } catch (NumberFormatException e) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_CONDITION_VALUE,
            "Condition " + operator + " on " + key + " needs a number, got \"" + v + "\".",
            e);
      }
    }
  }

  /** The operator as written in the policy, e.g. {@code ForAnyValue:StringEqualsIfExists}. */
  public String operator() {
    return operator;
  }

  /** The base operator name, e.g. {@code StringEquals}. */
  public String baseOperator() {
    return base.iamName();
  }

  public SetQualifier setQualifier() {
    return qualifier;
  }

  public boolean ifExists() {
    return ifExists;
  }

  /** True for negated operators such as StringNotEquals or ArnNotLike. */
  public boolean negated() {
    return base.negated();
  }

  /** The condition key as written in the policy. */
  public String key() {
    return key;
  }

  public List<String> values() {
    return values;
  }

  /**
   * True if the key can carry several values in one request (kms:EncryptionContextKeys,
   * kms:GrantOperations, ...). A set qualifier on a single-valued key is legal but usually a
   * mistake: ForAllValues is then true whenever the key is absent.
   */
  public boolean keyIsMultiValued() {
    return ConditionKeys.isMultiValued(key);
  }

  /**
   * True if the key's value is who the caller is (kms:CallerAccount, aws:PrincipalOrgID,
   * aws:PrincipalArn...), not something the caller's request chooses.
   */
  public boolean identifiesPrincipal() {
    return ConditionKeys.identifiesPrincipal(key);
  }

  /** The type of the values the key holds, which decides the operators that can compare them. */
  public ConditionKeyType keyType() {
    return ConditionKeys.type(key);
  }

  /**
   * Evaluates this condition against a request context.
   *
   * @param effect the effect of the statement that holds the condition, which decides how a value
   *     whose policy variable cannot be resolved counts (see {@link #valueSatisfies})
   */
  boolean test(RequestContext ctx, StatementEffect effect) {
    List<String> present = ctx.values(key);
    if (base == Operator.NULL) {
      // "Null": "true" means "the key is absent"; several values are OR-ed like any other.
      boolean absent = present.isEmpty();
      return values.stream()
          .anyMatch(v -> Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)) == absent);
    }
    if (present.isEmpty()) {
      // Whatever the policy values are, so whatever their variables would resolve to.
      if (ifExists) {
        return true;
      }
      return switch (qualifier) {
        case FOR_ALL_VALUES -> true; // vacuous truth: every one of zero values matches
        case FOR_ANY_VALUE -> false;
        case NONE -> base.negated(); // "not equal to X" holds for an absent key
      };
    }
    Substituted substituted = variables ? substitute(ctx) : null;
    java.util.function.Predicate<String> satisfies = rv -> valueSatisfies(rv, substituted, effect);
    // A single-valued key under a set qualifier is treated as a one-element set, as IAM does.
    return switch (qualifier) {
      case FOR_ALL_VALUES -> present.stream().allMatch(satisfies);
      case FOR_ANY_VALUE -> present.stream().anyMatch(satisfies);
      case NONE ->
          base.negated()
              ? present.stream().allMatch(satisfies)
              : present.stream().anyMatch(satisfies);
    };
  }

  /** The policy values whose variables resolved, and whether some did not. */
  private record Substituted(List<PolicyVariables.Resolved> resolved, boolean someUnresolved) {}

  private Substituted substitute(RequestContext ctx) {
    List<PolicyVariables.Resolved> out = new java.util.ArrayList<>(values.size());
    boolean unresolved = false;
    for (String v : values) {
      var r = PolicyVariables.resolve(v, ctx);
      r.ifPresent(out::add);
      unresolved |= r.isEmpty();
    }
    return new Substituted(out, unresolved);
  }

  /**
   * One request value against all policy values: OR for positive operators, NOR for negated. With
   * policy variables, substituted characters are literal: never wildcards (StringLike, ArnLike,
   * ArnEquals) nor ARN part separators.
   *
   * <p>A value whose variable cannot be resolved has, as IAM documents, no equal or like value: it
   * matches nothing. For a positive operator that only ever narrows. A negated operator, though,
   * would then hold for every request ("not equal to nothing"), which IAM warns may instead make
   * the whole statement invalid. So the reading depends on what is at stake: in an Allow a negated
   * operator with an unresolved value does not hold (an unknown value never grants access), in a
   * Deny it holds (a guard keeps denying). An unresolved variable thus never widens an Allow and
   * never silences a negated Deny guard.
   *
   * <p>A request value of the wrong type for the operator satisfies neither the operator nor its
   * negation (see {@link Operator#accepts}).
   */
  private boolean valueSatisfies(
      String requestValue, Substituted substituted, StatementEffect effect) {
    if (!base.accepts(requestValue)) {
      return false;
    }
    boolean anyMatch;
    if (substituted == null) {
      anyMatch = values.stream().anyMatch(v -> base.positiveMatch(requestValue, v, null));
    } else {
      if (base.negated() && substituted.someUnresolved() && effect == StatementEffect.ALLOW) {
        return false;
      }
      anyMatch =
          substituted.resolved().stream()
              .anyMatch(r -> base.positiveMatch(requestValue, r.text(), r.literal()));
    }
    return base.negated() != anyMatch;
  }

  @Override
  public String toString() {
    return operator + " " + key + " " + values;
  }
}

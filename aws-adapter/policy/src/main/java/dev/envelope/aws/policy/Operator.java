package dev.envelope.aws.policy;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The base condition operators (without set qualifier or IfExists suffix). A negated operator
 * stores the positive comparison and is true when no policy value matches, which gives IAM's
 * "multiple values are NOR-ed" rule for free.
 */
enum Operator {
  STRING_EQUALS("StringEquals", false, plain(String::equals)),
  STRING_NOT_EQUALS("StringNotEquals", true, plain(String::equals)),
  STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", false, plain(String::equalsIgnoreCase)),
  STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", true, plain(String::equalsIgnoreCase)),
  STRING_LIKE("StringLike", false, (req, pol, lit) -> Wildcards.matches(pol, lit, req, false)),
  STRING_NOT_LIKE(
      "StringNotLike", true, (req, pol, lit) -> Wildcards.matches(pol, lit, req, false)),
  ARN_EQUALS("ArnEquals", false, (req, pol, lit) -> Arn.like(pol, lit, req)),
  ARN_LIKE("ArnLike", false, (req, pol, lit) -> Arn.like(pol, lit, req)),
  ARN_NOT_EQUALS("ArnNotEquals", true, (req, pol, lit) -> Arn.like(pol, lit, req)),
  ARN_NOT_LIKE("ArnNotLike", true, (req, pol, lit) -> Arn.like(pol, lit, req)),
  NUMERIC_EQUALS("NumericEquals", false, plain((req, pol) -> compare(req, pol, c -> c == 0))),
  NUMERIC_NOT_EQUALS("NumericNotEquals", true, plain((req, pol) -> compare(req, pol, c -> c == 0))),
  NUMERIC_LESS_THAN("NumericLessThan", false, plain((req, pol) -> compare(req, pol, c -> c < 0))),
  NUMERIC_LESS_THAN_EQUALS(
      "NumericLessThanEquals", false, plain((req, pol) -> compare(req, pol, c -> c <= 0))),
  NUMERIC_GREATER_THAN(
      "NumericGreaterThan", false, plain((req, pol) -> compare(req, pol, c -> c > 0))),
  NUMERIC_GREATER_THAN_EQUALS(
      "NumericGreaterThanEquals", false, plain((req, pol) -> compare(req, pol, c -> c >= 0))),
  DATE_EQUALS("DateEquals", false, plain((req, pol) -> compareDates(req, pol, c -> c == 0))),
  DATE_NOT_EQUALS("DateNotEquals", true, plain((req, pol) -> compareDates(req, pol, c -> c == 0))),
  DATE_LESS_THAN("DateLessThan", false, plain((req, pol) -> compareDates(req, pol, c -> c < 0))),
  DATE_LESS_THAN_EQUALS(
      "DateLessThanEquals", false, plain((req, pol) -> compareDates(req, pol, c -> c <= 0))),
  DATE_GREATER_THAN(
      "DateGreaterThan", false, plain((req, pol) -> compareDates(req, pol, c -> c > 0))),
  DATE_GREATER_THAN_EQUALS(
      "DateGreaterThanEquals", false, plain((req, pol) -> compareDates(req, pol, c -> c >= 0))),
  IP_ADDRESS("IpAddress", false, plain((req, pol) -> IpRanges.contains(pol, req))),
  NOT_IP_ADDRESS("NotIpAddress", true, plain((req, pol) -> IpRanges.contains(pol, req))),
  BOOL("Bool", false, plain(String::equalsIgnoreCase)),
  /** Special: tests presence of the key, not its value; see {@link Condition}. */
  NULL("Null", false, plain((req, pol) -> false));

  /** Real IAM operators this engine does not implement; named so the error can say so. */
  private static final Set<String> UNSUPPORTED_IAM = Set.of("binaryequals");

  private static final Map<String, Operator> BY_NAME =
      Stream.of(values())
          .collect(Collectors.toUnmodifiableMap(o -> o.iamName.toLowerCase(Locale.ROOT), o -> o));

  private final String iamName;
  private final boolean negated;
  private final Match positiveMatch;

  Operator(String iamName, boolean negated, Match positiveMatch) {
    this.iamName = iamName;
    this.negated = negated;
    this.positiveMatch = positiveMatch;
  }

  String iamName() {
    return iamName;
  }

  boolean negated() {
    return negated;
  }

  boolean numeric() {
    return iamName.startsWith("Numeric");
  }

  /** IAM substitutes policy variables only in string comparisons: String and Arn operators. */
  boolean takesVariables() {
    return iamName.startsWith("String") || iamName.startsWith("Arn");
  }

  boolean date() {
    return iamName.startsWith("Date");
  }

  boolean ip() {
    return this == IP_ADDRESS || this == NOT_IP_ADDRESS;
  }

  /**
   * Whether a request value is of this operator's type: a date for Date operators, a number for
   * Numeric ones, an IP address for IpAddress/NotIpAddress; any string for the others. A value of
   * the wrong type satisfies neither the operator nor its negation (see {@link Condition}): IAM
   * does not document the case, and reading "not a date" as "not equal to that date" would let
   * malformed input turn an Allow with DateNotEquals or NotIpAddress on.
   */
  boolean accepts(String requestValue) {
    if (date()) {
      return PolicyDates.parse(requestValue).isPresent();
    }
    if (ip()) {
      return IpRanges.address(requestValue).isPresent();
    }
    if (numeric()) {
      try {
        new BigDecimal(requestValue.trim());
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The un-negated comparison of one request value against one policy value.
   *
   * @param literal null, or per character of {@code policyValue} whether it came from a policy
   *     variable: such characters are never wildcards (String and Arn Like/Equals) nor ARN
   *     separators, whatever they are
   */
  boolean positiveMatch(String requestValue, String policyValue, boolean[] literal) {
    return positiveMatch.test(requestValue, policyValue, literal);
  }

  static Operator byName(String name, String whole) {
    String lower = name.toLowerCase(Locale.ROOT);
    Operator op = BY_NAME.get(lower);
    if (op != null) {
      return op;
    }
    if (UNSUPPORTED_IAM.contains(lower)) {
      throw new PolicyException(
          PolicyException.Reason.UNKNOWN_OPERATOR,
          "Condition operator '"
              + whole
              + "' is valid IAM but not supported by this engine;"
              + " rewrite the condition with String, Arn, Numeric, Date, IpAddress, Bool or Null"
              + " operators.");
    }
    throw new PolicyException(
        PolicyException.Reason.UNKNOWN_OPERATOR,
        "Unknown condition operator '"
            + whole
            + "'. Use an IAM operator such as StringEquals,"
            + " StringLike, ArnLike, NumericLessThan, Bool or Null, optionally with the IfExists"
            + " suffix or a ForAllValues:/ForAnyValue: prefix.");
  }

  /** A comparison of one request value with one policy value and its literal flags. */
  private interface Match {
    boolean test(String requestValue, String policyValue, boolean[] literal);
  }

  /** A comparison without wildcards, which has no use for literal flags. */
  private static Match plain(BiPredicate<String, String> test) {
    return (req, pol, literal) -> test.test(req, pol);
  }

  private interface IntTest {
    boolean test(int comparison);
  }

  /** False unless both are dates; {@link #accepts} keeps malformed request values out anyway. */
  private static boolean compareDates(String req, String pol, IntTest test) {
    var r = PolicyDates.parse(req);
    var p = PolicyDates.parse(pol);
    return r.isPresent() && p.isPresent() && test.test(r.get().compareTo(p.get()));
  }

  private static boolean compare(String req, String pol, IntTest test) {
    BigDecimal r;
    try {
      r = new BigDecimal(req.trim());
    } catch (NumberFormatException e) {
      return false; // not a number: see accepts()
    }
    return test.test(r.compareTo(new BigDecimal(pol.trim())));
  }
}

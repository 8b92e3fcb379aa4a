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
  STRING_EQUALS("StringEquals", false, String::equals),
  STRING_NOT_EQUALS("StringNotEquals", true, String::equals),
  STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", false, String::equalsIgnoreCase),
  STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", true, String::equalsIgnoreCase),
  STRING_LIKE("StringLike", false, (req, pol) -> Wildcards.matches(pol, req, false)),
  STRING_NOT_LIKE("StringNotLike", true, (req, pol) -> Wildcards.matches(pol, req, false)),
  ARN_EQUALS("ArnEquals", false, (req, pol) -> Arn.like(pol, req)),
  ARN_LIKE("ArnLike", false, (req, pol) -> Arn.like(pol, req)),
  ARN_NOT_EQUALS("ArnNotEquals", true, (req, pol) -> Arn.like(pol, req)),
  ARN_NOT_LIKE("ArnNotLike", true, (req, pol) -> Arn.like(pol, req)),
  NUMERIC_EQUALS("NumericEquals", false, (req, pol) -> compare(req, pol, c -> c == 0)),
  NUMERIC_NOT_EQUALS("NumericNotEquals", true, (req, pol) -> compare(req, pol, c -> c == 0)),
  NUMERIC_LESS_THAN("NumericLessThan", false, (req, pol) -> compare(req, pol, c -> c < 0)),
  NUMERIC_LESS_THAN_EQUALS(
      "NumericLessThanEquals", false, (req, pol) -> compare(req, pol, c -> c <= 0)),
  NUMERIC_GREATER_THAN("NumericGreaterThan", false, (req, pol) -> compare(req, pol, c -> c > 0)),
  NUMERIC_GREATER_THAN_EQUALS(
      "NumericGreaterThanEquals", false, (req, pol) -> compare(req, pol, c -> c >= 0)),
  DATE_EQUALS("DateEquals", false, (req, pol) -> compareDates(req, pol, c -> c == 0)),
  DATE_NOT_EQUALS("DateNotEquals", true, (req, pol) -> compareDates(req, pol, c -> c == 0)),
  DATE_LESS_THAN("DateLessThan", false, (req, pol) -> compareDates(req, pol, c -> c < 0)),
  DATE_LESS_THAN_EQUALS(
      "DateLessThanEquals", false, (req, pol) -> compareDates(req, pol, c -> c <= 0)),
  DATE_GREATER_THAN("DateGreaterThan", false, (req, pol) -> compareDates(req, pol, c -> c > 0)),
  DATE_GREATER_THAN_EQUALS(
      "DateGreaterThanEquals", false, (req, pol) -> compareDates(req, pol, c -> c >= 0)),
  IP_ADDRESS("IpAddress", false, (req, pol) -> IpRanges.contains(pol, req)),
  NOT_IP_ADDRESS("NotIpAddress", true, (req, pol) -> IpRanges.contains(pol, req)),
  BOOL("Bool", false, String::equalsIgnoreCase),
  /** Special: tests presence of the key, not its value; see {@link Condition}. */
  NULL("Null", false, (req, pol) -> false);

  /** Real IAM operators this engine does not implement; named so the error can say so. */
  private static final Set<String> UNSUPPORTED_IAM =
      Set.of("binaryequals");

  private static final Map<String, Operator> BY_NAME =
      Stream.of(values())
          .collect(Collectors.toUnmodifiableMap(o -> o.iamName.toLowerCase(Locale.ROOT), o -> o));

  private final String iamName;
  private final boolean negated;
  private final BiPredicate<String, String> positiveMatch;

  Operator(String iamName, boolean negated, BiPredicate<String, String> positiveMatch) {
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

  /** The operators that glob-match with * and ?, where substituted text must stay literal. */
  boolean likeWithLiterals() {
    return this == STRING_LIKE || this == STRING_NOT_LIKE;
  }

  boolean date() {
    return iamName.startsWith("Date");
  }

  boolean ip() {
    return this == IP_ADDRESS || this == NOT_IP_ADDRESS;
  }

  /** The un-negated comparison of one request value against one policy value. */
  boolean positiveMatch(String requestValue, String policyValue) {
    return positiveMatch.test(requestValue, policyValue);
  }

  static Operator byName(String name, String whole) {
    String lower = name.toLowerCase(Locale.ROOT);
    Operator op = BY_NAME.get(lower);
    if (op != null) {
      return op;
    }
    if (UNSUPPORTED_IAM.contains(lower)) {
      throw new PolicyException(
          "Condition operator '" + whole + "' is valid IAM but not supported by this engine;"
              + " rewrite the condition with String, Arn, Numeric, Date, IpAddress, Bool or Null"
              + " operators.");
    }
    throw new PolicyException(
        "Unknown condition operator '" + whole + "'. Use an IAM operator such as StringEquals,"
            + " StringLike, ArnLike, NumericLessThan, Bool or Null, optionally with the IfExists"
            + " suffix or a ForAllValues:/ForAnyValue: prefix.");
  }

  private interface IntTest {
    boolean test(int comparison);
  }

  /** A request value that is not a date never satisfies a date comparison (nor its negation). */
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
      return false; // a non-numeric request value never satisfies a numeric comparison
    }
    return test.test(r.compareTo(new BigDecimal(pol.trim())));
  }
}

package dev.envelope.aws.policy;

import java.util.List;
import java.util.Optional;

/**
 * IAM policy variables: {@code ${key}} in a Resource element or in the value of a String or Arn
 * condition, replaced by the value of the condition key {@code key} in the request, or by the
 * default of {@code ${key, 'default'}} when the request has none. {@code ${*}}, {@code ${?}} and
 * {@code ${$}} stand for the literal characters. Variables exist only in policies of Version
 * 2012-10-17; in older policies the text is taken literally.
 *
 * <p>A variable that cannot be resolved (no value, several values, no default, or malformed) makes
 * the whole value match nothing, as IAM documents. Where "matches nothing" would widen an Allow
 * (NotResource, negated operators) the statement does not apply instead; see {@link Condition} and
 * {@link Statement#matchesResource}.
 */
final class PolicyVariables {

  /**
   * A value after substitution. {@code literal[i]} is true where character i came from a variable:
   * such characters are never wildcards, whatever they are.
   */
  record Resolved(String text, boolean[] literal) {}

  private PolicyVariables() {}

  static boolean has(String value) {
    return value.contains("${");
  }

  /** Checks a value when a policy is parsed: its variables are well-formed and name known keys. */
  static void validate(String value, String where) {
    int i = 0;
    while ((i = value.indexOf("${", i)) >= 0) {
      Variable v = variable(value, i);
      if (v == null) {
        throw new PolicyException(
            where
                + " has a malformed policy variable in \""
                + value
                + "\"; write ${key} or ${key, 'default'}.");
      }
      if (!isSpecial(v.name)) {
        ConditionKeys.requireKnown(v.name);
      }
      i = v.end;
    }
  }

  /** The value with its variables replaced, or empty if one cannot be resolved. */
  static Optional<Resolved> resolve(String value, RequestContext ctx) {
    StringBuilder out = new StringBuilder(value.length());
    StringBuilder literal = new StringBuilder(value.length()); // 'L' or ' ' per character
    int i = 0;
    while (i < value.length()) {
      int start = value.indexOf("${", i);
      if (start < 0) {
        start = value.length();
      }
      out.append(value, i, start);
      literal.append(" ".repeat(start - i));
      if (start == value.length()) {
        break;
      }
      Variable v = variable(value, start);
      if (v == null) {
        return Optional.empty();
      }
      String replacement;
      if (isSpecial(v.name)) {
        replacement = v.name;
      } else {
        List<String> values = ctx.values(v.name);
        if (values.size() == 1) {
          replacement = values.get(0);
        } else if (v.defaultValue != null) {
          replacement = v.defaultValue;
        } else {
          return Optional.empty();
        }
      }
      out.append(replacement);
      literal.append("L".repeat(replacement.length()));
      i = v.end;
    }
    boolean[] mask = new boolean[out.length()];
    for (int k = 0; k < mask.length; k++) {
      mask[k] = literal.charAt(k) == 'L';
    }
    return Optional.of(new Resolved(out.toString(), mask));
  }

  private static boolean isSpecial(String name) {
    return name.equals("*") || name.equals("?") || name.equals("$");
  }

  private record Variable(String name, String defaultValue, int end) {}

  /** Parses the variable starting at {@code start} ("${"); null if malformed. */
  private static Variable variable(String s, int start) {
    int i = start + 2;
    int close = s.indexOf('}', i);
    int comma = s.indexOf(',', i);
    if (close < 0) {
      return null;
    }
    if (comma < 0 || comma > close) {
      String name = s.substring(i, close).trim();
      return name.isEmpty() ? null : new Variable(name, null, close + 1);
    }
    String name = s.substring(i, comma).trim();
    int q = skipSpaces(s, comma + 1);
    if (name.isEmpty() || q >= s.length() || s.charAt(q) != '\'') {
      return null;
    }
    // The default is quoted with ' and a doubled '' stands for one quote.
    StringBuilder def = new StringBuilder();
    int k = q + 1;
    while (true) {
      if (k >= s.length()) {
        return null;
      }
      char c = s.charAt(k);
      if (c == '\'') {
        if (k + 1 < s.length() && s.charAt(k + 1) == '\'') {
          def.append('\'');
          k += 2;
          continue;
        }
        break;
      }
      def.append(c);
      k++;
    }
    int end = skipSpaces(s, k + 1);
    if (end >= s.length() || s.charAt(end) != '}') {
      return null;
    }
    return new Variable(name, def.toString(), end + 1);
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}

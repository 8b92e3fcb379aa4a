package dev.envelope.aws.policy;

/**
 * IAM glob matching: {@code *} matches any run of characters (also empty), {@code ?} exactly one.
 */
final class Wildcards {
  private Wildcards() {}

  static boolean matches(String pattern, String text, boolean ignoreCase) {
    return matches(pattern, null, text, ignoreCase);
  }

  /**
   * As {@link #matches(String, String, boolean)}, but pattern characters whose {@code literal} flag
   * is set (text substituted for a policy variable) match only themselves.
   */
  static boolean matches(String pattern, boolean[] literal, String text, boolean ignoreCase) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length()) {
      if (p < pattern.length()
          && ((pattern.charAt(p) == '?' && !isLiteral(literal, p))
              || same(pattern.charAt(p), text.charAt(t), ignoreCase))
          && !(pattern.charAt(p) == '*' && !isLiteral(literal, p))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*' && !isLiteral(literal, p)) {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        // Backtrack: let the last star swallow one more character.
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*' && !isLiteral(literal, p)) {
      p++;
    }
    return p == pattern.length();
  }

  private static boolean isLiteral(boolean[] literal, int p) {
    return literal != null && literal[p];
  }

  private static boolean same(char a, char b, boolean ignoreCase) {
    if (a == b) {
      return true;
    }
    return ignoreCase
        && (Character.toLowerCase(a) == Character.toLowerCase(b)
            || Character.toUpperCase(a) == Character.toUpperCase(b));
  }
}

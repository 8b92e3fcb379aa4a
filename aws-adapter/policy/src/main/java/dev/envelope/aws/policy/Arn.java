package dev.envelope.aws.policy;

import java.util.Optional;

/** The six colon-separated parts of an ARN; the resource part may itself contain colons. */
record Arn(String partition, String service, String region, String account, String resource) {

  static Optional<Arn> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split(":", 6);
    if (parts.length != 6 || !"arn".equals(parts[0]) || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]));
  }

  /**
   * ArnEquals/ArnLike as IAM defines them: each of the six parts is compared separately, case
   * sensitively, and each policy part may hold {@code *} and {@code ?}.
   *
   * @param literal null, or per character of {@code pattern} whether it came from a policy
   *     variable. Such characters match only themselves: a {@code *} or {@code ?} from the request
   *     is no wildcard, and a {@code :} from the request does not separate parts (else a value
   *     could move the pattern's parts to other parts of the ARN).
   */
  static boolean like(String pattern, boolean[] literal, String value) {
    if ("*".equals(pattern) && !literalAt(literal, 0)) {
      return true;
    }
    String[] v = value.split(":", 6);
    if (v.length != 6) {
      return false;
    }
    int start = 0;
    for (int part = 0; part < 6; part++) {
      int end = part == 5 ? pattern.length() : separator(pattern, literal, start);
      if (end < 0) {
        return false;
      }
      boolean[] partLiteral =
          literal == null ? null : java.util.Arrays.copyOfRange(literal, start, end);
      if (!Wildcards.matches(pattern.substring(start, end), partLiteral, v[part], false)) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  /** The next ':' at or after {@code from} that the policy wrote itself, or -1. */
  private static int separator(String pattern, boolean[] literal, int from) {
    for (int i = from; i < pattern.length(); i++) {
      if (pattern.charAt(i) == ':' && !literalAt(literal, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean literalAt(boolean[] literal, int i) {
    return literal != null && i < literal.length && literal[i];
  }

  @Override
  public String toString() {
    return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
  }
}

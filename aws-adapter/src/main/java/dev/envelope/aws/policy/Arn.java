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
   */
  static boolean like(String pattern, String value) {
    if ("*".equals(pattern)) {
      return value != null;
    }
    String[] p = pattern.split(":", 6);
    String[] v = value.split(":", 6);
    if (p.length != 6 || v.length != 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (!Wildcards.matches(p[i], v[i], false)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
  }
}

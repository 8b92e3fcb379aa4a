package dev.envelope.aws.policy.lint;

import java.util.Objects;

/**
 * One problem found in a policy. Immutable.
 *
 * @param rule the rule that found it
 * @param source the file or document the finding is in (the key policy, an IAM policy, grants)
 * @param statementIndex zero-based statement index in {@code source}, or -1 for the whole document
 * @param sid the statement's Sid, or null
 * @param line one-based line of the statement (or of the document's start) in {@code source}, or 0
 *     if unknown
 * @param message what is wrong here, specifically
 * @param fix what to change
 */
public record Finding(
    LintRule rule,
    String source,
    int statementIndex,
    String sid,
    int line,
    String message,
    String fix) {

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
  }

  public String ruleId() {
    return rule.id();
  }

  public Severity severity() {
    return rule.severity();
  }

  /** {@code statement 'Sid'}, {@code statement #2}, or {@code policy} for document findings. */
  public String where() {
    if (statementIndex < 0) {
      return "policy";
    }
    return sid != null && !sid.isEmpty()
        ? "statement #" + statementIndex + " '" + sid + "'"
        : "statement #" + statementIndex;
  }

  @Override
  public String toString() {
    return rule.id() + " " + severity().label() + " " + source + " " + where() + ": " + message;
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;

/**
 * A parsed statement with its position in the original document. {@code index} is the position in
 * the source, which differs from {@link Statement#index()} when statements were parsed one by one
 * after the whole document failed to parse.
 */
record LintedStatement(int index, int line, Statement statement) {
  String sid() {
    return statement.sid().orElse(null);
  }
}

package dev.envelope.aws.policy.lint;

import java.util.Locale;

/** Output formats of a {@link LintReport}. */
public enum ReportFormat {
  /** For people: one block per finding. */
  TEXT,
  /** For scripts: {@code {"keyAccount":..., "findings":[...]}}. */
  JSON,
  /** SARIF 2.1.0, for code-scanning UIs that annotate files in CI. */
  SARIF;

  /** Parses {@code text|json|sarif}, any case. */
  public static ReportFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Unknown format '" + text + "'; use text, json or sarif.", e);
    }
  }
}

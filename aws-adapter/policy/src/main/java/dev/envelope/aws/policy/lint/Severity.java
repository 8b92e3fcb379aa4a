package dev.envelope.aws.policy.lint;

import java.util.Locale;

/** How bad a finding is, lowest first; thresholds such as {@code --fail-on} compare by order. */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** True if this severity is {@code threshold} or worse. */
  public boolean atLeast(Severity threshold) {
    return compareTo(threshold) >= 0;
  }

  /** The SARIF 2.1.0 {@code level}: error for high and critical, warning for medium, else note. */
  public String sarifLevel() {
    return switch (this) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** Parses {@code info|low|medium|high|critical}, any case. */
  public static Severity parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Unknown severity '" + text + "'; use info, low, medium, high or critical.", e);
    }
  }

  /** Lower-case name, as written on the command line and in JSON output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

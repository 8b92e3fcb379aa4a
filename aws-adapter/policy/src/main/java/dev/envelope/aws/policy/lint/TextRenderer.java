package dev.envelope.aws.policy.lint;

import java.util.EnumMap;
import java.util.Map;

/** Human-readable report: {@code file:line: SEVERITY RULE-ID name (where)}, message, fix. */
final class TextRenderer {
  private TextRenderer() {}

  static String render(LintReport report) {
    StringBuilder out = new StringBuilder();
    for (Finding f : report.findings()) {
      out.append(f.source());
      if (f.line() > 0) {
        out.append(':').append(f.line());
      }
      out.append(": ")
          .append(f.severity().name())
          .append(' ')
          .append(f.ruleId())
          .append(' ')
          .append(f.rule().shortName())
          .append(" (")
          .append(f.where())
          .append(")\n");
      out.append("  ").append(f.message()).append('\n');
      out.append("  fix: ").append(f.fix()).append('\n');
    }
    out.append(summary(report)).append('\n');
    return out.toString();
  }

  static String summary(LintReport report) {
    if (report.findings().isEmpty()) {
      return "No findings.";
    }
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    report.findings().forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    StringBuilder s = new StringBuilder();
    s.append(report.findings().size())
        .append(report.findings().size() == 1 ? " finding" : " findings");
    String sep = ": ";
    Severity[] all = Severity.values();
    for (int i = all.length - 1; i >= 0; i--) {
      Severity desc = all[i];
      Integer n = counts.get(desc);
      if (n != null) {
        s.append(sep).append(n).append(' ').append(desc.label());
        sep = ", ";
      }
    }
    return s.append('.').toString();
  }
}

package dev.envelope.aws.policy.lint;

import dev.envelope.aws.internal.json.JsonOutput;

/** Machine-readable report: the findings with every field, plus the key account used. */
final class JsonRenderer {
  private JsonRenderer() {}

  static String render(LintReport report) {
    JsonOutput w = JsonOutput.pretty().beginObject();
    w.field("tool", SarifRenderer.TOOL_NAME);
    w.name("keyAccount").value(report.keyAccount().orElse(null)); // null when unknown, not omitted
    w.name("findings").beginArray();
    for (Finding f : report.findings()) {
      w.beginObject()
          .field("ruleId", f.ruleId())
          .field("rule", f.rule().shortName())
          .field("severity", f.severity().label())
          .field("source", f.source());
      if (f.statementIndex() >= 0) {
        w.field("statementIndex", f.statementIndex());
      }
      if (f.sid() != null) {
        w.field("sid", f.sid());
      }
      if (f.line() > 0) {
        w.field("line", f.line());
      }
      w.field("message", f.message()).field("fix", f.fix()).endObject();
    }
    w.endArray();
    w.field("summary", TextRenderer.summary(report));
    return w.endObject().toString();
  }
}

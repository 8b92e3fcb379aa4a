package dev.envelope.aws.policy.lint;

/** Machine-readable report: the findings with every field, plus the key account used. */
final class JsonRenderer {
  private JsonRenderer() {}

  static String render(LintReport report) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("tool", SarifRenderer.TOOL_NAME);
    w.field("keyAccount", report.keyAccount().orElse(null));
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

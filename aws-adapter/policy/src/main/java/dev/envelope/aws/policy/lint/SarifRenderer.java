package dev.envelope.aws.policy.lint;

import dev.envelope.aws.internal.json.JsonOutput;

/**
 * SARIF 2.1.0 (OASIS): one run, every rule in {@code tool.driver.rules} (so that viewers can show
 * help for any id), one result per finding with a physical location in the policy file.
 */
final class SarifRenderer {
  static final String TOOL_NAME = "envelope-lint";
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  private SarifRenderer() {}

  static String render(LintReport report) {
    JsonOutput w = JsonOutput.pretty().beginObject();
    w.field("$schema", SCHEMA).field("version", "2.1.0");
    w.name("runs").beginArray().beginObject();
    w.name("tool").beginObject().name("driver").beginObject();
    w.field("name", TOOL_NAME);
    w.name("rules").beginArray();
    for (LintRule r : LintRule.values()) {
      w.beginObject().field("id", r.id()).field("name", r.shortName());
      text(w, "shortDescription", r.title());
      text(w, "help", r.help());
      w.name("defaultConfiguration")
          .beginObject()
          .field("level", r.severity().sarifLevel())
          .endObject();
      w.name("properties")
          .beginObject()
          .field("severity", r.severity().label())
          .field("security-severity", securitySeverity(r.severity()))
          .endObject();
      w.endObject();
    }
    w.endArray().endObject().endObject();
    w.name("results").beginArray();
    for (Finding f : report.findings()) {
      w.beginObject()
          .field("ruleId", f.ruleId())
          .field("ruleIndex", f.rule().ordinal())
          .field("level", f.severity().sarifLevel());
      text(w, "message", f.message() + " Fix: " + f.fix());
      w.name("locations").beginArray().beginObject();
      w.name("physicalLocation").beginObject();
      w.name("artifactLocation").beginObject().field("uri", uri(f.source())).endObject();
      if (f.line() > 0) {
        w.name("region").beginObject().field("startLine", f.line()).endObject();
      }
      w.endObject();
      if (f.statementIndex() >= 0) {
        w.name("logicalLocations")
            .beginArray()
            .beginObject()
            .field("name", f.sid() != null ? f.sid() : "Statement[" + f.statementIndex() + "]")
            .field("fullyQualifiedName", "Statement[" + f.statementIndex() + "]")
            .field("kind", "object")
            .endObject()
            .endArray();
      }
      w.endObject().endArray();
      w.name("properties").beginObject().field("severity", f.severity().label()).endObject();
      w.endObject();
    }
    w.endArray();
    w.endObject().endArray();
    return w.endObject().toString();
  }

  private static void text(JsonOutput w, String name, String text) {
    w.name(name).beginObject().field("text", text).endObject();
  }

  /** GitHub code scanning ranks security results by this CVSS-like score. */
  private static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "1.0";
    };
  }

  /** SARIF wants a URI reference: forward slashes, spaces and the like escaped. */
  static String uri(String source) {
    String s = source.replace('\\', '/');
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == ' ' || c == '%' || c == '#' || c == '?' || c < 0x20) {
        out.append(String.format("%%%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

package dev.envelope.aws.policy.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Text, JSON and SARIF output of one report over a policy file with known line numbers. */
class LintReportRenderingTest {
  static final String FILE = "policies/risky key-policy.json";
  static LintReport report;

  @BeforeAll
  static void lint() throws IOException {
    String json;
    try (InputStream in =
        LintReportRenderingTest.class.getResourceAsStream("/policy/lint/risky-key-policy.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    report = KeyPolicyLinter.builder().keyPolicy(FILE, json).includeNotes(true).build().lint();
  }

  @Test
  void findsWhatTheFileHoldsAtTheRightLines() {
    Map<String, Integer> lines =
        report.findings().stream()
            .collect(Collectors.toMap(Finding::ruleId, Finding::line, (a, b) -> a));
    assertThat(lines)
        .containsEntry("ENV-KP-002", 5) // root statement opens on line 5
        .containsEntry("ENV-KP-004", 12)
        .containsEntry("ENV-KP-012", 19)
        .containsEntry("ENV-KP-009", 27);
    assertThat(report.keyAccount()).contains("111122223333");
  }

  @Test
  void textNamesFileLineRuleAndFix() {
    String text = report.render(ReportFormat.TEXT);
    assertThat(text)
        .contains(
            FILE + ":12: HIGH ENV-KP-004 kms-star-to-non-root" + " (statement #1 'AppEverything')");
    assertThat(text).contains("  fix: ");
    assertThat(text).endsWith("4 findings: 2 high, 2 info.\n");
  }

  @Test
  void jsonParsesAndCarriesEveryField() {
    JsonValue root = JsonReader.parse(report.render(ReportFormat.JSON));
    List<JsonValue> findings = root.field("findings").orElseThrow().asArray();
    assertThat(findings).hasSize(4);
    JsonValue first = findings.get(0);
    for (String f :
        List.of(
            "ruleId", "rule", "severity", "source", "statementIndex", "line", "message", "fix")) {
      assertThat(first.field(f)).as(f).isPresent();
    }
    assertThat(root.field("keyAccount").orElseThrow().asString()).isEqualTo("111122223333");
  }

  @Test
  void sarifIsStructurallyValid() {
    JsonValue root = JsonReader.parse(report.render(ReportFormat.SARIF));
    assertThat(root.field("version").orElseThrow().asString()).isEqualTo("2.1.0");
    assertThat(root.field("$schema").orElseThrow().asString()).contains("sarif-2.1.0");
    List<JsonValue> runs = root.field("runs").orElseThrow().asArray();
    assertThat(runs).hasSize(1);
    JsonValue driver = runs.get(0).field("tool").orElseThrow().field("driver").orElseThrow();
    assertThat(driver.field("name").orElseThrow().asString()).isEqualTo("envelope-lint");
    List<JsonValue> rules = driver.field("rules").orElseThrow().asArray();
    assertThat(rules).hasSize(LintRule.values().length);
    Set<String> ruleIds =
        rules.stream().map(r -> r.field("id").orElseThrow().asString()).collect(Collectors.toSet());
    for (JsonValue r : rules) {
      assertThat(r.field("help").orElseThrow().field("text").orElseThrow().asString()).isNotBlank();
      assertThat(r.field("shortDescription").orElseThrow().field("text")).isPresent();
      assertThat(
              r.field("defaultConfiguration").orElseThrow().field("level").orElseThrow().asString())
          .isIn("error", "warning", "note");
    }

    List<JsonValue> results = runs.get(0).field("results").orElseThrow().asArray();
    assertThat(results).hasSize(report.findings().size());
    for (int i = 0; i < results.size(); i++) {
      JsonValue r = results.get(i);
      Finding f = report.findings().get(i);
      String ruleId = r.field("ruleId").orElseThrow().asString();
      assertThat(ruleId).isEqualTo(f.ruleId()).isIn(ruleIds);
      int ruleIndex = Integer.parseInt(r.field("ruleIndex").orElseThrow().asNumber());
      assertThat(rules.get(ruleIndex).field("id").orElseThrow().asString()).isEqualTo(ruleId);
      assertThat(r.field("level").orElseThrow().asString()).isEqualTo(f.severity().sarifLevel());
      assertThat(r.field("message").orElseThrow().field("text").orElseThrow().asString())
          .contains(f.message());
      JsonValue physical =
          r.field("locations")
              .orElseThrow()
              .asArray()
              .get(0)
              .field("physicalLocation")
              .orElseThrow();
      assertThat(
              physical
                  .field("artifactLocation")
                  .orElseThrow()
                  .field("uri")
                  .orElseThrow()
                  .asString())
          .isEqualTo("policies/risky%20key-policy.json");
      assertThat(physical.field("region").orElseThrow().field("startLine").orElseThrow().asNumber())
          .isEqualTo(String.valueOf(f.line()));
    }
  }

  @Test
  void levelsMapFromSeverities() {
    assertThat(Severity.CRITICAL.sarifLevel()).isEqualTo("error");
    assertThat(Severity.HIGH.sarifLevel()).isEqualTo("error");
    assertThat(Severity.MEDIUM.sarifLevel()).isEqualTo("warning");
    assertThat(Severity.LOW.sarifLevel()).isEqualTo("note");
    assertThat(Severity.INFO.sarifLevel()).isEqualTo("note");
  }

  @Test
  void emptyReportRendersInEveryFormat() {
    LintReport empty =
        KeyPolicyLinter.builder()
            .keyPolicy(
                "k.json",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                    + "\"arn:aws:iam::111122223333:role/Admin\"},\"Action\":\"kms:PutKeyPolicy\","
                    + "\"Resource\":\"*\"}]}")
            .build()
            .lint();
    assertThat(empty.findings()).isEmpty();
    assertThat(empty.render(ReportFormat.TEXT)).isEqualTo("No findings.\n");
    assertThat(
            JsonReader.parse(empty.render(ReportFormat.SARIF))
                .field("runs")
                .orElseThrow()
                .asArray()
                .get(0)
                .field("results")
                .orElseThrow()
                .asArray())
        .isEmpty();
    assertThat(
            JsonReader.parse(empty.render(ReportFormat.JSON))
                .field("findings")
                .orElseThrow()
                .asArray())
        .isEmpty();
  }
}

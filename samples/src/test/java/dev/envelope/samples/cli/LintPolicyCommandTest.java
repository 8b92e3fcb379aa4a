package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintPolicyCommandTest {
  static final String ROOT_ONLY =
      """
      {
        "Version": "2012-10-17",
        "Statement": [
          {"Sid": "Root", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
           "Action": "kms:*", "Resource": "*"}
        ]
      }
      """;
  static final String RISKY =
      """
      {
        "Version": "2012-10-17",
        "Statement": [
          {"Sid": "Root", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
           "Action": "kms:*", "Resource": "*"},
          {"Sid": "Partner", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::444455556666:role/Partner"},
           "Action": "kms:*", "Resource": "*"}
        ]
      }
      """;

  @TempDir Path dir;
  Path rootOnly;
  Path risky;

  @BeforeEach
  void files() throws IOException {
    rootOnly = Files.writeString(dir.resolve("root-only.json"), ROOT_ONLY);
    risky = Files.writeString(dir.resolve("risky.json"), RISKY);
  }

  static CliRun lint(String... args) {
    return CliRun.of(new LintPolicyCommand(), args);
  }

  @Test
  void onlyFindingsBelowTheDefaultThresholdExitZero() {
    CliRun r = lint(rootOnly.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("ENV-KP-002").contains("1 finding: 1 low.");
  }

  @Test
  void thresholdDecidesTheExitCode() {
    assertThat(lint(rootOnly.toString(), "--fail-on", "low").exitCode()).isEqualTo(1);
    assertThat(lint(rootOnly.toString(), "--fail-on", "info").exitCode()).isEqualTo(1);
    assertThat(lint(risky.toString()).exitCode()).isEqualTo(1);
    assertThat(lint(risky.toString(), "--fail-on", "critical").exitCode()).isZero();
    assertThat(lint(risky.toString(), "--fail-on", "HIGH").exitCode()).isEqualTo(1);
  }

  @Test
  void textNamesTheFileAndLine() {
    CliRun r = lint(risky.toString());
    assertThat(r.out()).contains(risky + ":7: HIGH ENV-KP-004");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void iamPoliciesAreLintedForCrossAccountUse() throws IOException {
    Path iam =
        Files.writeString(
            dir.resolve("partner-role.json"),
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}");
    CliRun r = lint(risky.toString(), "--iam", iam.toString(), "--format", "json");
    JsonNode root = new ObjectMapper().readTree(r.out());
    List<String> ids = root.required("findings").findValuesAsText("ruleId");
    assertThat(ids).contains("ENV-KP-010", "ENV-KP-004", "ENV-KP-002");
  }

  @Test
  void grantsFileIsRead() throws IOException {
    Path grants =
        Files.writeString(
            dir.resolve("grants.json"),
            "{\"Grants\":[{\"GrantId\":\"g1\",\"GranteePrincipal\":"
                + "\"arn:aws:iam::111122223333:role/App\",\"Operations\":[\"Decrypt\",\"CreateGrant\"]}]}");
    CliRun r = lint(rootOnly.toString(), "--grants", grants.toString(), "--fail-on", "low");
    assertThat(r.out()).contains("ENV-KP-015").contains(grants.toString());
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void sarifOutputParses() throws IOException {
    CliRun r = lint(risky.toString(), "--format", "sarif");
    JsonNode run = new ObjectMapper().readTree(r.out()).required("runs").required(0);
    assertThat(run.required("tool").required("driver").required("name").asText())
        .isEqualTo("envelope-lint");
    assertThat(run.required("results")).isNotEmpty();
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void unknownConditionKeyIsAFindingNotAnError() throws IOException {
    Path typo =
        Files.writeString(
            dir.resolve("typo.json"),
            ROOT_ONLY.replace(
                "\"Resource\": \"*\"}",
                "\"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"kms:CallerAcount\": \"1\"}}}"));
    CliRun r = lint(typo.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("ENV-KP-012").contains("kms:CallerAcount").contains(typo + ":4:");
  }

  @Test
  void malformedJsonExitsTwoWithWhatToFix() throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"),
            "{\"Version\": \"2012-10-17\",\n" + "\"Statement\": [ {\"Effect\": \"Allow\" ");
    CliRun r = lint(bad.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(bad.toString()).contains("not valid JSON").contains("line");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(lint().exitCode()).isEqualTo(2);
    CliRun missing = lint(dir.resolve("nope.json").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
    CliRun format = lint(rootOnly.toString(), "--format", "xml");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).contains("text, json or sarif");
    CliRun severity = lint(rootOnly.toString(), "--fail-on", "severe");
    assertThat(severity.exitCode()).isEqualTo(2);
    assertThat(severity.err()).contains("info, low, medium, high or critical");
    assertThat(lint(rootOnly.toString(), "--bogus").exitCode()).isEqualTo(2);
  }

  @Test
  void malformedGrantsFileExitsTwo() throws IOException {
    Path grants = Files.writeString(dir.resolve("grants.json"), "[{\"GrantId\":\"g\"}]");
    CliRun r = lint(rootOnly.toString(), "--grants", grants.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("grants[0] needs");
  }
}

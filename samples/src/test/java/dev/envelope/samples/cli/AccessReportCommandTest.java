package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessReportCommandTest {
  static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-4000-8000-000000000001";
  static final String ENV =
      """
      {
        "principals": [
          {"arn": "arn:aws:iam::111122223333:role/App",
           "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}]}]}
        ],
        "keys": [
          {"keyId": "1111aaaa-0000-4000-8000-000000000001", "account": "111122223333",
           "policy": {"Version": "2012-10-17", "Statement": [
             {"Sid": "Root", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
              "Action": "kms:*", "Resource": "*"}%s]}}
        ]
      }
      """;
  static final String PARTNER =
      ",{\"Sid\": \"Partner\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\":"
          + " \"arn:aws:iam::444455556666:root\"}, \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}";

  @TempDir Path dir;
  Path closed;
  Path shared;

  @BeforeEach
  void write() throws IOException {
    closed = Files.writeString(dir.resolve("closed.json"), ENV.formatted(""));
    shared = Files.writeString(dir.resolve("shared.json"), ENV.formatted(PARTNER));
  }

  @Test
  void textReportExitsZeroWithoutExternalAccess() {
    CliRun r = CliRun.of(new AccessReportCommand(), "--config", closed.toString(), "--key", KEY);
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Access report for " + KEY)
        .contains("arn:aws:iam::111122223333:role/App [same-account]")
        .contains("Decrypt: allowed by");
  }

  @Test
  void externalAccessExitsOneAndIsASarifResult() {
    CliRun text = CliRun.of(new AccessReportCommand(), "--config", shared.toString(), "--key", KEY);
    assertThat(text.exitCode()).isEqualTo(1);
    assertThat(text.out()).contains("EXTERNAL arn:aws:iam::444455556666:root [external");
    CliRun sarif =
        CliRun.of(
            new AccessReportCommand(),
            "--config",
            shared.toString(),
            "--key",
            KEY,
            "--format",
            "sarif");
    assertThat(sarif.out())
        .contains("\"ruleId\": \"ENV-AR-001\"")
        .contains("\"uri\": \"shared.json\"");
  }

  @Test
  void unknownKeyIsBadUsage() {
    CliRun r =
        CliRun.of(
            new AccessReportCommand(),
            "--config",
            closed.toString(),
            "--key",
            "arn:aws:kms:us-east-1:111122223333:key/nope");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not described in the environment");
  }
}

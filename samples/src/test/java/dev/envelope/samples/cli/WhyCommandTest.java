package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhyCommandTest {
  static final String A = "111122223333";
  static final String APP = "arn:aws:iam::" + A + ":role/App";
  static final String PARTNER = "arn:aws:iam::444455556666:role/Partner";
  static final String KEY =
      "arn:aws:kms:us-east-1:" + A + ":key/1111aaaa-0000-4000-8000-000000000001";
  static final String ENV =
      """
      {
        "principals": [
          {"arn": "arn:aws:iam::111122223333:role/App",
           "policies": [{"Version": "2012-10-17", "Statement": [{"Sid": "Use", "Effect": "Allow",
             "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}]}]},
          {"arn": "arn:aws:iam::444455556666:role/Partner"}
        ],
        "keys": [
          {"keyId": "1111aaaa-0000-4000-8000-000000000001", "account": "111122223333",
           "policy": {"Version": "2012-10-17", "Statement": [
             {"Sid": "Root", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
              "Action": "kms:*", "Resource": "*"},
             {"Sid": "Partner", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
              "Action": "kms:Decrypt", "Resource": "*"},
             {"Sid": "NoLegacy", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
              "Resource": "*",
              "Condition": {"StringEquals": {"kms:EncryptionContext:tier": "legacy"}}}]}}
        ],
        "grants": [
          {"GrantId": "g-new", "KeyId": "1111aaaa-0000-4000-8000-000000000001",
           "GranteePrincipal": "arn:aws:iam::444455556666:role/Partner",
           "Operations": ["Decrypt"], "GrantToken": "tok-1", "Propagated": false}
        ]
      }
      """;

  @TempDir Path dir;
  Path config;

  @BeforeEach
  void write() throws IOException {
    config = Files.writeString(dir.resolve("env.json"), ENV);
  }

  CliRun why(String... extra) {
    String[] base = {"--config", config.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(new WhyCommand(), args);
  }

  @Test
  void allowedExitsZeroAndPrintsTheChain() {
    CliRun r =
        why("--caller", APP, "--key", KEY, "--operation", "Decrypt", "--context", "tenant=acme");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith("ALLOW: " + APP + " kms:Decrypt on " + KEY)
        .contains("decided by: IAM policy")
        .contains("'Use'")
        .contains("key policy statement 'Root' allows account " + A);
  }

  @Test
  void explicitDenyExitsOneAndNamesTheStatement() {
    CliRun r =
        why(
            "--caller",
            APP,
            "--key",
            KEY,
            "--operation",
            "kms:Decrypt",
            "--context",
            "tier=legacy",
            "--context",
            "tenant=acme");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).startsWith("EXPLICIT_DENY").contains("statement 'NoLegacy'");
  }

  @Test
  void crossAccountDenialSaysWhichSideIsMissing() {
    CliRun r = why("--caller", PARTNER, "--key", KEY, "--operation", "Decrypt");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains("key side: key policy statement 'Partner'")
        .contains("caller side missing")
        .contains("g-new");
  }

  @Test
  void grantTokenMakesTheNewGrantCount() {
    CliRun r =
        why("--caller", PARTNER, "--key", KEY, "--operation", "Decrypt", "--grant-token", "tok-1");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("decided by: grant g-new");
  }

  @Test
  void viaServiceIsPassedThrough() throws IOException {
    Path env =
        Files.writeString(
            dir.resolve("via.json"),
            ENV.replace(
                "\"Action\": \"kms:*\", \"Resource\": \"*\"},",
                "\"Action\": \"kms:*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\":"
                    + " {\"kms:ViaService\": \"s3.us-east-1.amazonaws.com\"}}},"));
    String[] common = {
      "--config", env.toString(), "--caller", APP, "--key", KEY, "--operation", "Encrypt"
    };
    assertThat(CliRun.of(new WhyCommand(), common).exitCode()).isEqualTo(1);
    String[] via =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--via-service", "s3.us-east-1.amazonaws.com"))
            .toArray(String[]::new);
    assertThat(CliRun.of(new WhyCommand(), via).exitCode()).isZero();
  }

  @Test
  void badUsageExitsTwoWithAMessage() {
    assertThat(why("--caller", APP, "--key", KEY).exitCode()).isEqualTo(2); // no --operation
    CliRun unknownKey = why("--caller", APP, "--key", KEY + "0", "--operation", "Decrypt");
    assertThat(unknownKey.exitCode()).isEqualTo(2);
    assertThat(unknownKey.err()).contains("not described").contains(KEY);
    CliRun badCaller = why("--caller", "App", "--key", KEY, "--operation", "Decrypt");
    assertThat(badCaller.exitCode()).isEqualTo(2);
    assertThat(badCaller.err()).contains("IAM or STS ARN");
    assertThat(
            why("--caller", APP, "--key", KEY, "--operation", "Decrypt", "--context", "novalue")
                .exitCode())
        .isEqualTo(2);
  }

  @Test
  void unreadableOrInvalidConfigExitsTwo() throws IOException {
    CliRun missing =
        CliRun.of(
            new WhyCommand(),
            "--config",
            dir.resolve("none.json").toString(),
            "--caller",
            APP,
            "--key",
            KEY,
            "--operation",
            "Decrypt");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"keys\": [");
    CliRun invalid =
        CliRun.of(
            new WhyCommand(),
            "--config",
            bad.toString(),
            "--caller",
            APP,
            "--key",
            KEY,
            "--operation",
            "Decrypt");
    assertThat(invalid.exitCode()).isEqualTo(2);
    assertThat(invalid.err()).contains("not valid JSON");
  }
}

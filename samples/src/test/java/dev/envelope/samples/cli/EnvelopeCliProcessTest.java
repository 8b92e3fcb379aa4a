package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.samples.ChildJvm;
import dev.envelope.samples.ChildJvm.Run;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, each command in its own JVM: exit status, stdout and stderr. */
class EnvelopeCliProcessTest {
  @TempDir static Path dir;
  static Path home;
  static Path plain;

  @BeforeAll
  static void setUp() throws Exception {
    home = dir.resolve("home");
    plain = dir.resolve("plain.bin");
    byte[] data =
        new byte[5 * 1024 * 1024 + 123]; // over the progress-bar threshold, not a frame multiple
    new SecureRandom().nextBytes(data);
    Files.write(plain, data);
  }

  private static String p(Path path) {
    return path.toString();
  }

  @Test
  void rawAesKeyRoundTrip() throws Exception {
    Path key = dir.resolve("aes.key");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    Files.writeString(key, Base64.getEncoder().encodeToString(k) + "\n");
    Path enc = dir.resolve("raw.envelope");
    Path dec = dir.resolve("raw.out");

    Run e =
        ChildJvm.run(
            home,
            "encrypt",
            "--in",
            p(plain),
            "--out",
            p(enc),
            "--raw-aes-key",
            p(key),
            "--key-namespace",
            "tests",
            "--key-name",
            "k1",
            "--context",
            "purpose=test",
            "--context",
            "owner=ci");
    assertThat(e.exit()).as(e.toString()).isZero();
    assertThat(e.out()).contains("Encrypted").contains("MB/s").contains("raw AES key tests/k1");
    assertThat(e.err()).as("progress bar on stderr for a 5 MiB file").contains("encrypt");
    assertThat(e.out() + e.err()).doesNotContain(Base64.getEncoder().encodeToString(k));

    Run d =
        ChildJvm.run(
            home,
            "decrypt",
            "--in",
            p(enc),
            "--out",
            p(dec),
            "--raw-aes-key",
            p(key),
            "--key-namespace",
            "tests",
            "--key-name",
            "k1",
            "--context",
            "owner=ci",
            "--context",
            "purpose=test");
    assertThat(d.exit()).as(d.toString()).isZero();
    assertThat(d.out()).contains("verified").contains("MB/s");
    assertThat(Files.mismatch(plain, dec)).isEqualTo(-1L);

    // The wrong key name is not a usable data key: a crypto failure, not usage.
    Run wrongName =
        ChildJvm.run(
            home,
            "decrypt",
            "--in",
            p(enc),
            "--out",
            p(dir.resolve("raw2.out")),
            "--raw-aes-key",
            p(key),
            "--key-namespace",
            "tests",
            "--key-name",
            "other",
            "--no-progress");
    assertThat(wrongName.exit()).as(wrongName.toString()).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("raw2.out"))).isFalse();
  }

  @Test
  void localKmsRoundTripAcrossTwoProcessesThenWrongContextIsRefused() throws Exception {
    Path enc = dir.resolve("kms.envelope");
    Path dec = dir.resolve("kms.out");
    Run e =
        ChildJvm.run(
            home,
            "encrypt",
            "-i",
            p(plain),
            "-o",
            p(enc),
            "--key",
            "alias/envelope-dev",
            "-c",
            "tenant=acme",
            "-c",
            "table=orders",
            "--no-progress");
    assertThat(e.exit()).as(e.toString()).isZero();
    assertThat(e.out()).contains("local KMS key arn:aws:kms:us-east-1:111122223333:key/");
    assertThat(home.resolve("local-kms.json")).exists();
    // The config holds the keys' development material; there is no separate escrow key any more.
    assertThat(Files.readString(home.resolve("local-kms.json"))).contains("\"keyMaterial\"");
    assertThat(home.resolve("local-kms-escrow.key")).doesNotExist();

    // A second JVM: its local KMS loads the same key material from the home, so the file is
    // readable.
    Run d =
        ChildJvm.run(
            home,
            "decrypt",
            "-i",
            p(enc),
            "-o",
            p(dec),
            "-c",
            "tenant=acme",
            "-c",
            "table=orders",
            "--no-progress");
    assertThat(d.exit()).as(d.toString()).isZero();
    assertThat(Files.mismatch(plain, dec)).isEqualTo(-1L);

    Path wrong = dir.resolve("wrong.out");
    Run w =
        ChildJvm.run(
            home,
            "decrypt",
            "-i",
            p(enc),
            "-o",
            p(wrong),
            "-c",
            "tenant=other",
            "-c",
            "table=orders",
            "--no-progress");
    assertThat(w.exit()).as(w.toString()).isEqualTo(1);
    assertThat(w.err()).contains("refused").contains("tenant").contains("--context");
    assertThat(w.err()).doesNotContain("\tat ");
    assertThat(wrong).doesNotExist();

    // Another home has other key material: its local KMS cannot read this file.
    Run elsewhere =
        ChildJvm.run(
            dir.resolve("other-home"), "decrypt", "-i", p(enc), "-o", p(wrong), "--no-progress");
    assertThat(elsewhere.exit()).as(elsewhere.toString()).isEqualTo(1);
    assertThat(elsewhere.err()).contains("InvalidCiphertextException").doesNotContain("\tat ");
  }

  @Test
  void tamperedMessageIsRefusedWithExit1() throws Exception {
    Path key = dir.resolve("tamper.key");
    Files.write(key, new byte[32]);
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "hello records");
    Path enc = dir.resolve("small.envelope");
    assertThat(
            ChildJvm.run(home, "encrypt", "-i", p(small), "-o", p(enc), "--raw-aes-key", p(key))
                .exit())
        .isZero();
    byte[] m = Files.readAllBytes(enc);
    m[m.length - 20] ^= 1;
    Files.write(enc, m);
    Run d =
        ChildJvm.run(
            home,
            "decrypt",
            "-i",
            p(enc),
            "-o",
            p(dir.resolve("small.out")),
            "--raw-aes-key",
            p(key));
    assertThat(d.exit()).as(d.toString()).isEqualTo(1);
    assertThat(d.err()).doesNotContain("\tat ");
    assertThat(dir.resolve("small.out")).doesNotExist();
  }

  @Test
  void missingInputFileIsUsageError() {
    Run r =
        ChildJvm.run(
            home, "encrypt", "--in", p(dir.resolve("nope.bin")), "--out", p(dir.resolve("x")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains("nope.bin")
        .contains("does not exist")
        .contains("--in")
        .doesNotContain("\tat ");
  }

  @Test
  void badFlagAndBadContextAreUsageErrors() {
    Run flag =
        ChildJvm.run(
            home, "encrypt", "--in", p(plain), "--out", p(dir.resolve("y")), "--frobnicate");
    assertThat(flag.exit()).as(flag.toString()).isEqualTo(2);
    assertThat(flag.err()).contains("--frobnicate").contains("--help");

    Run ctx =
        ChildJvm.run(
            home,
            "encrypt",
            "--in",
            p(plain),
            "--out",
            p(dir.resolve("y")),
            "--context",
            "novalue");
    assertThat(ctx.exit()).as(ctx.toString()).isEqualTo(2);
    assertThat(ctx.err()).contains("KEY=VALUE");

    Run missingKeyFile =
        ChildJvm.run(
            home,
            "encrypt",
            "--in",
            p(plain),
            "--out",
            p(dir.resolve("y")),
            "--raw-aes-key",
            p(dir.resolve("no.key")));
    assertThat(missingKeyFile.exit()).as(missingKeyFile.toString()).isEqualTo(2);
    assertThat(missingKeyFile.err()).contains("no.key");

    Run reserved =
        ChildJvm.run(
            home,
            "encrypt",
            "--in",
            p(plain),
            "--out",
            p(dir.resolve("y")),
            "--context",
            "aws-crypto-public-key=x");
    assertThat(reserved.exit()).as(reserved.toString()).isEqualTo(2);
    assertThat(reserved.err()).contains("aws-crypto-").doesNotContain("\tat ");
    assertThat(dir.resolve("y")).doesNotExist();

    Run noCommand = ChildJvm.run(home);
    assertThat(noCommand.exit()).isEqualTo(2);
  }

  @Test
  void unknownKmsKeyIsUsageError() {
    Run r =
        ChildJvm.run(
            home, "encrypt", "--in", p(plain), "--out", p(dir.resolve("z")), "--key", "alias/nope");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("alias/nope").contains("--key");
  }

  @Test
  void demoRunsToTheEnd() {
    Run r = ChildJvm.run(home, "demo", "--file-size", "8MiB", "--records", "2000");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("refused")
        .contains("GenerateDataKey calls")
        .contains("SHA-256 matches")
        .contains("Demo finished: all steps behaved as expected.");
  }

  @Test
  void tuneRecommendsBounds() {
    Run r = ChildJvm.run(home, "tune", "--rate", "20000", "--quota", "5500", "--latency-ms", "8");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("maxMessages=10,").contains("Expected KMS calls: 2,000/s");
    Run bad = ChildJvm.run(home, "tune", "--rate", "-5");
    assertThat(bad.exit()).isEqualTo(2);
  }

  @Test
  void benchWithoutTheBenchmarksJarSaysHowToBuildItAndOtherCommandsAreListed() {
    // The benchmark runner is its own jar (BenchCommandTest, EnvelopeJarIT); here it is missing.
    Path missing = dir.resolve("no-benchmarks.jar");
    Run r = ChildJvm.run(home, "bench", "--benchmarks-jar", p(missing), "--help");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains(p(missing), "mvn -B -q -pl benchmarks -am package -DskipTests")
        .doesNotContain("\tat ");
    Run help = ChildJvm.run(home, "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .contains(
            "encrypt",
            "decrypt",
            "local-kms",
            "demo",
            "bench",
            "lint-policy",
            "why",
            "records",
            "large-file",
            "tune");
  }

  @Test
  void localKmsRunsInTheForegroundAndServesOtherProcesses() throws Exception {
    Path serverHome = dir.resolve("server-home");
    Process p =
        ChildJvm.builder(serverHome, List.of(), "local-kms", "--port", "0")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).startsWith("Local KMS listening on http://127.0.0.1:");
      String endpoint = first.substring("Local KMS listening on ".length()).split(" ")[0];
      Path enc = dir.resolve("served.envelope");
      Path dec = dir.resolve("served.out");
      Run e =
          ChildJvm.run(
              serverHome,
              "encrypt",
              "-i",
              p(plain),
              "-o",
              p(enc),
              "--local-kms-endpoint",
              endpoint,
              "-c",
              "k=v",
              "--no-progress");
      assertThat(e.exit()).as(e.toString()).isZero();
      assertThat(e.out()).contains("of the local KMS at " + endpoint);
      Run d =
          ChildJvm.run(
              serverHome,
              "decrypt",
              "-i",
              p(enc),
              "-o",
              p(dec),
              "--local-kms-endpoint",
              endpoint,
              "-c",
              "k=v",
              "--no-progress");
      assertThat(d.exit()).as(d.toString()).isZero();
      assertThat(Files.mismatch(plain, dec)).isEqualTo(-1L);
      assertThat(p.isAlive()).isTrue();
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

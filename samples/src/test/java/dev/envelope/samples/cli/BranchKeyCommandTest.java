package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code envelope branch-key} against the default store (an H2 file in the Envelope home) and the
 * local KMS.
 */
class BranchKeyCommandTest {
  @TempDir Path home;

  private CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = EnvelopeCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--local-kms-state";
    all[args.length + 1] = home.toString();
    return new CliRun(cl.execute(all), out.toString(), err.toString());
  }

  @Test
  void createRotateDescribe() {
    CliRun created = run("branch-key", "create", "--id", "tenant-acme", "-c", "tenant=acme");
    assertThat(created.exitCode()).as(created.err()).isZero();
    Matcher m = Pattern.compile("active version ([0-9a-f-]{36})").matcher(created.out());
    assertThat(m.find()).as(created.out()).isTrue();
    String first = m.group(1);

    CliRun rotated = run("branch-key", "rotate", "--id", "tenant-acme");
    assertThat(rotated.exitCode()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("new active version");

    CliRun described = run("branch-key", "describe", "--id", "tenant-acme");
    assertThat(described.exitCode()).as(described.err()).isZero();
    assertThat(described.out())
        .contains("branch key tenant-acme")
        .contains("versions:   2")
        .contains("{tenant=acme}")
        .contains(first)
        .containsOnlyOnce("ACTIVE")
        .contains("JDBC table branch_keys");
    assertThat(described.out().lines().filter(l -> l.contains(first)).findFirst().orElseThrow())
        .doesNotContain("ACTIVE");
  }

  @Test
  void failuresAreOneLineWithStatusOne() {
    assertThat(run("branch-key", "create", "--id", "dup").exitCode()).isZero();
    CliRun again = run("branch-key", "create", "--id", "dup");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("branch key dup already exists").doesNotContain("\tat ");

    CliRun missing = run("branch-key", "rotate", "--id", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no branch key nope");

    CliRun both =
        run(
            "branch-key",
            "describe",
            "--id",
            "x",
            "--jdbc",
            "jdbc:h2:mem:x",
            "--dynamodb-table",
            "T");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("exclude each other");
  }
}

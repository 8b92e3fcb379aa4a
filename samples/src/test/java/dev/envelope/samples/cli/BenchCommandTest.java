package dev.envelope.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code envelope bench} runs {@code benchmarks.jar} as a child {@code java -jar}. Here a stand-in
 * jar ({@link BenchmarksStandIn}) records what it was given; the real jar is run by {@code
 * EnvelopeJarIT}.
 */
class BenchCommandTest {
  @TempDir static Path dir;
  static Path standIn;

  @BeforeAll
  static void buildStandInJar() throws Exception {
    standIn = dir.resolve("stand-in").resolve("benchmarks.jar");
    Files.createDirectories(standIn.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, BenchmarksStandIn.class.getName());
    String entry = BenchmarksStandIn.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(standIn);
        JarOutputStream jar = new JarOutputStream(file, manifest);
        InputStream classBytes = BenchmarksStandIn.class.getResourceAsStream("/" + entry)) {
      jar.putNextEntry(new JarEntry(entry));
      classBytes.transferTo(jar);
      jar.closeEntry();
    }
  }

  private static List<String> argsSeen() throws Exception {
    return Files.readAllLines(standIn.resolveSibling("args.txt"));
  }

  @Test
  void passesEveryArgumentAfterTheShortProfileAndReturnsTheChildsStatus() throws Exception {
    CliRun ok =
        CliRun.of(
            new BenchCommand(Map.of(), null),
            "--benchmarks-jar",
            standIn.toString(),
            "--no-kms",
            "Record",
            "-p",
            "size=1024",
            "--help");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(argsSeen())
        .containsExactly("--profile", "short", "--no-kms", "Record", "-p", "size=1024", "--help");

    CliRun failed =
        CliRun.of(
            new BenchCommand(Map.of(), null),
            "--benchmarks-jar",
            standIn.toString(),
            "--profile",
            "full",
            "--fail");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
    assertThat(argsSeen()).containsExactly("--profile", "short", "--profile", "full", "--fail");
  }

  @Test
  void theEnvironmentVariableNamesTheJar() throws Exception {
    CliRun r =
        CliRun.of(
            new BenchCommand(Map.of(BenchCommand.JAR_ENV, standIn.toString()), null), "-f", "2");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(argsSeen()).containsExactly("--profile", "short", "-f", "2");
  }

  @Test
  void findsTheJarOfTheSameBuildFromWhereEnvelopeJarLies() {
    Path repo = dir.resolve("repo");
    BenchCommand fromJar = new BenchCommand(Map.of(), repo.resolve("samples/target/envelope.jar"));
    assertThat(fromJar.candidates())
        .startsWith(
            repo.resolve("samples/target/benchmarks.jar"),
            repo.resolve("benchmarks/target/benchmarks.jar"));
    // Tests (and IDEs) run from samples/target/classes: the same directories.
    BenchCommand fromClasses = new BenchCommand(Map.of(), repo.resolve("samples/target/classes"));
    assertThat(fromClasses.candidates()).isEqualTo(fromJar.candidates());
    assertThat(fromJar.candidates())
        .last()
        .isEqualTo(Path.of("benchmarks/target/benchmarks.jar").toAbsolutePath().normalize());
  }

  @Test
  void withoutTheJarItSaysHowToBuildItAndExitsWith2() {
    Path missing = dir.resolve("nowhere/benchmarks.jar");
    // An explicit jar is the only place looked at, even when another would be found.
    CliRun r =
        CliRun.of(
            new BenchCommand(Map.of(BenchCommand.JAR_ENV, standIn.toString()), null),
            "--benchmarks-jar",
            missing.toString(),
            "--help");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            missing.toString(),
            "mvn -B -q -pl benchmarks -am package -DskipTests",
            "java -jar benchmarks/target/benchmarks.jar --profile short",
            "--benchmarks-jar",
            BenchCommand.JAR_ENV);
    assertThat(r.out()).isEmpty();
  }
}

package dev.envelope.samples.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code envelope bench}: runs the benchmark suite's short profile in a child {@code java -jar
 * benchmarks.jar}.
 *
 * <p>The benchmarks are a separate jar on purpose: they carry JMH, the official AWS Encryption SDK
 * and its Dafny runtime, none of which the CLI needs, so {@code envelope.jar} stays small and
 * starts fast.
 */
@Command(
    name = "bench",
    description = {
      "Run the short benchmark profile; writes JSON, Markdown and SVG results.",
      "Record encryption and streams next to the official AWS Encryption SDK and raw AES-GCM, then the KMS-quota"
          + " sweep.",
      "Runs benchmarks.jar (built separately) as a child process; every other argument goes to it:"
          + " `envelope bench --help` shows its options."
    })
final class BenchCommand implements Callable<Integer> {
  static final String JAR_ENV = "ENVELOPE_BENCHMARKS_JAR";
  static final String JAR_NAME = "benchmarks.jar";

  @Option(
      names = "--benchmarks-jar",
      paramLabel = "JAR",
      description =
          "benchmarks.jar to run (default: $"
              + JAR_ENV
              + ", else "
              + JAR_NAME
              + " next to envelope.jar"
              + " or in the repository's benchmarks/target)")
  Path jar;

  // Unmatched, not @Parameters: the runner's own options (--no-kms, -f 2, --help, ...) must reach
  // it untouched.
  @Unmatched List<String> extra = new ArrayList<>();

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final Path codeSource;

  BenchCommand() {
    this(System.getenv(), codeSourceOf(BenchCommand.class));
  }

  /** For tests: the environment and where envelope.jar (or the classes directory) lies. */
  BenchCommand(Map<String, String> env, Path codeSource) {
    this.env = env;
    this.codeSource = codeSource;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    List<Path> candidates = candidates();
    Path found = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    if (found == null) {
      err.print(howToBuild(candidates));
      err.flush();
      return ErrorHandler.USAGE;
    }
    List<String> command =
        new ArrayList<>(List.of(javaLauncher(), "-jar", found.toString(), "--profile", "short"));
    command.addAll(
        extra); // a later --profile full wins: the runner lets a repeated option override
    Process child = new ProcessBuilder(command).inheritIO().start();
    // If this JVM is stopped (Ctrl-C reaches both; a plain kill only this one), do not leave JMH
    // running.
    Thread stopChild = new Thread(child::destroy, "stop-benchmarks");
    Runtime.getRuntime().addShutdownHook(stopChild);
    try {
      // The runner's own status: 0 done, 1 a benchmark or the report failed, 2 bad arguments.
      return child.waitFor();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException shuttingDown) {
        // already running: it stops the child
      }
    }
  }

  /**
   * Where to look, in order. An explicit jar (option or environment) is the only candidate: a typo
   * there must not silently run another build's jar.
   */
  List<Path> candidates() {
    if (jar != null) {
      return List.of(jar);
    }
    String fromEnv = env.get(JAR_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return List.of(Path.of(fromEnv));
    }
    Set<Path> paths = new LinkedHashSet<>();
    if (codeSource != null) {
      // envelope.jar is samples/target/envelope.jar in a build (tests run from
      // samples/target/classes); either way its parent directory is samples/target.
      Path dir = codeSource.toAbsolutePath().getParent();
      if (dir != null) {
        paths.add(dir.resolve(JAR_NAME).normalize());
        if (dir.getParent() != null && dir.getParent().getParent() != null) {
          paths.add(
              dir.getParent()
                  .getParent()
                  .resolve("benchmarks")
                  .resolve("target")
                  .resolve(JAR_NAME)
                  .normalize());
        }
      }
    }
    paths.add(Path.of("benchmarks", "target", JAR_NAME).toAbsolutePath().normalize());
    return List.copyOf(paths);
  }

  static String howToBuild(List<Path> looked) {
    StringBuilder s =
        new StringBuilder(
            "envelope: bench needs the benchmarks jar, which is built separately (it"
                + " carries JMH and the official AWS Encryption SDK, which envelope.jar leaves out). Not found at:\n");
    for (Path p : looked) {
      s.append("  ").append(p).append('\n');
    }
    s.append("Build it from the repository root, then run it directly or through this command:\n")
        .append("  mvn -B -q -pl benchmarks -am package -DskipTests\n")
        .append("  java -jar benchmarks/target/")
        .append(JAR_NAME)
        .append(" --profile short\n")
        .append("  envelope bench [--benchmarks-jar PATH] [runner options]   (or set ")
        .append(JAR_ENV)
        .append("=PATH)\n");
    return s.toString();
  }

  private static String javaLauncher() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path codeSourceOf(Class<?> type) {
    try {
      var source = type.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null; // not from a file: only the environment, the option and the working directory
      // count
    }
  }
}

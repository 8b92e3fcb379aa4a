package dev.envelope.samples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The main class of a stand-in {@code benchmarks.jar} that {@link BenchCommandTest} builds: it
 * writes the arguments it got to {@code args.txt} next to its jar and exits with 3 when the last
 * one is {@code --fail}, so a test sees what {@code envelope bench} passed on and which status it
 * returned.
 */
public final class BenchmarksStandIn {
  private BenchmarksStandIn() {}

  public static void main(String[] args) throws Exception {
    Path jar =
        Path.of(
            BenchmarksStandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Files.write(jar.resolveSibling("args.txt"), List.of(args));
    System.exit(args.length > 0 && args[args.length - 1].equals("--fail") ? 3 : 0);
  }
}

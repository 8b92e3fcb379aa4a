package dev.envelope.samples.cli;

import picocli.CommandLine.Option;

/** Progress bar switch. A picocli mixin. */
public final class ProgressOptions {
  @Option(
      names = "--no-progress",
      description = "No progress bar (it is drawn on stderr for files over 4 MiB).")
  boolean disabled;

  boolean enabled() {
    return !disabled;
  }
}

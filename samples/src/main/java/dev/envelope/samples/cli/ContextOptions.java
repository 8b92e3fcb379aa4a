package dev.envelope.samples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The encryption context given on the command line. A picocli mixin. */
public final class ContextOptions {
  @Option(
      names = {"-c", "--context"},
      paramLabel = "KEY=VALUE",
      description =
          "Encryption context entry; repeat"
              + " for more. Stored in the clear and authenticated: decryption with --context must name the same entries.")
  Map<String, String> context = new LinkedHashMap<>();
}

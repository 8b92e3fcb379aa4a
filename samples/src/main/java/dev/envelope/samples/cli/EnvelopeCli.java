package dev.envelope.samples.cli;

import dev.envelope.samples.files.LargeFileSample;
import dev.envelope.samples.records.RecordsSample;
import dev.envelope.samples.tuning.TuningSample;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code envelope} command. Exit status: 0 success, 1 cryptographic or authorization failure (a
 * tampered message, a context mismatch, a KMS denial), 2 bad usage (unknown flag, missing file or
 * key).
 */
@Command(
    name = "envelope",
    mixinStandardHelpOptions = true,
    version = "envelope 0.1.0-SNAPSHOT",
    description = {
      "Envelope encryption with AWS KMS; messages are AWS Encryption SDK v2 compatible.",
      "Without --aws everything runs against a local KMS started in-process: no AWS account needed."
    },
    subcommands = {
      EncryptCommand.class,
      DecryptCommand.class,
      LocalKmsCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      LintPolicyCommand.class,
      WhyCommand.class,
      BranchKeyCommand.class,
      RecordsSample.class,
      LargeFileSample.class,
      TuningSample.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit status: 0 ok, 1 crypto or authorization failure, 2 bad usage.",
      "Environment: ENVELOPE_KMS=aws|local, ENVELOPE_HOME (local KMS state, default ~/.envelope)."
    })
public final class EnvelopeCli implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: try 'envelope demo', or see the list above");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit status instead of exiting (for tests and embedding). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new EnvelopeCli());
    ErrorHandler errors = new ErrorHandler();
    cl.setParameterExceptionHandler(errors);
    cl.setExecutionExceptionHandler(errors);
    return cl;
  }
}

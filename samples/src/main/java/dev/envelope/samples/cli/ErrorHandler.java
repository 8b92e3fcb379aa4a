package dev.envelope.samples.cli;

import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.EnvelopeException;
import dev.envelope.samples.support.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns failures into one line (or a short paragraph) saying what went wrong and what to do, and
 * the exit status. Expected failures never print a stack trace; only a bug does.
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {
  static final int CRYPTO = 1;
  static final int USAGE = 2;

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("envelope: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    int status = report(unwrap(ex), err);
    err.flush();
    return status;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof UncheckedIOException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static int report(Throwable t, PrintWriter err) {
    if (t instanceof UsageException) {
      err.println("envelope: " + t.getMessage());
      return USAGE;
    }
    if (t instanceof NoSuchFileException e) {
      err.println("envelope: file not found: " + e.getFile() + "; check the path");
      return USAGE;
    }
    if (t instanceof AccessDeniedException e) {
      err.println("envelope: permission denied: " + e.getFile() + "; check the file's permissions");
      return USAGE;
    }
    if (t instanceof EncryptionContextMismatchException e) {
      // The exception's message shows the keys escaped: they come from a header not yet
      // authenticated.
      err.println(
          "envelope: refused: "
              + e.getMessage()
              + " Pass exactly the --context entries the file was encrypted with.");
      return CRYPTO;
    }
    if (t instanceof EnvelopeException) {
      err.println("envelope: " + t.getMessage());
      for (Throwable s : t.getSuppressed()) {
        err.println("  - " + s.getMessage());
      }
      return CRYPTO;
    }
    if (t instanceof AwsServiceException e) {
      err.println(
          "envelope: KMS refused the request: "
              + e.awsErrorDetails().errorCode()
              + ": "
              + e.awsErrorDetails().errorMessage());
      return CRYPTO;
    }
    if (t instanceof SdkClientException) {
      err.println(
          "envelope: cannot call AWS KMS: "
              + t.getMessage()
              + "\nCheck your AWS credentials (aws configure, AWS_PROFILE) and --region, or drop --aws to use the"
              + " local KMS.");
      return USAGE;
    }
    if (t instanceof IllegalArgumentException) {
      // Arguments the library refuses, e.g. a context key with the reserved aws-crypto- prefix.
      err.println("envelope: " + t.getMessage());
      return USAGE;
    }
    if (t instanceof IOException) {
      err.println("envelope: I/O error: " + t);
      return CRYPTO;
    }
    err.println("envelope: unexpected error (please report it):");
    t.printStackTrace(err);
    return CRYPTO;
  }
}

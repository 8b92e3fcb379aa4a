package dev.envelope.samples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where KMS requests go: the in-process local KMS (default) or real AWS KMS. A picocli mixin. */
public final class KmsOptions {
  @Option(
      names = "--aws",
      description =
          "Use real AWS KMS with the default credentials chain instead of the"
              + " in-process local KMS. Same as ENVELOPE_KMS=aws.")
  boolean aws;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "AWS Region for --aws when --key is not an ARN"
              + " (default: AWS_REGION or your profile).")
  String region;

  @Option(
      names = "--local-kms-state",
      paramLabel = "DIR",
      description =
          "Directory with the local KMS config, which"
              + " holds its development key material, kept between runs (default: $ENVELOPE_HOME, else ~/.envelope).")
  Path stateDir;

  @Option(
      names = "--local-kms-endpoint",
      paramLabel = "URL",
      description =
          "Use a local KMS already running"
              + " (`envelope local-kms`, e.g. http://127.0.0.1:4599) instead of starting one in-process; signs as the"
              + " application principal of the local KMS config. Files decrypt later only with a KMS that has the same key"
              + " material, e.g. started from the same config.")
  java.net.URI localEndpoint;

  /** True for real AWS KMS: {@code --aws} or {@code ENVELOPE_KMS=aws}. */
  boolean useAws() {
    if (aws) {
      return true;
    }
    String env = System.getenv("ENVELOPE_KMS");
    if (env == null || env.isBlank() || env.equalsIgnoreCase("local")) {
      return false;
    }
    if (env.equalsIgnoreCase("aws")) {
      return true;
    }
    throw new dev.envelope.samples.support.UsageException(
        "ENVELOPE_KMS must be 'aws' or 'local', not '" + env + "'");
  }

  /**
   * The Envelope home: {@code --local-kms-state}, else {@code $ENVELOPE_HOME}, else {@code
   * ~/.envelope}.
   */
  Path home() {
    if (stateDir != null) {
      return stateDir;
    }
    String env = System.getenv("ENVELOPE_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".envelope");
  }
}

package dev.envelope.samples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which key wraps the data key: a KMS key, or a local AES key from a file. A picocli mixin. */
public final class KeyOptions {
  @Option(
      names = {"-k", "--key"},
      paramLabel = "KEY",
      description =
          "KMS key: key ARN, key id, alias/NAME or alias"
              + " ARN. Local KMS default: alias/envelope-dev. With --aws, required to decrypt too.")
  String key;

  @Option(
      names = "--raw-aes-key",
      paramLabel = "FILE",
      description =
          "Wrap data keys with the AES key in FILE"
              + " (16, 24 or 32 bytes, raw or base64/hex text) instead of KMS.")
  Path rawAesKey;

  @Option(
      names = "--key-namespace",
      paramLabel = "NS",
      defaultValue = "envelope",
      description =
          "Key namespace stored with a raw-AES-wrapped data key (default: ${DEFAULT-VALUE}).")
  String keyNamespace;

  @Option(
      names = "--key-name",
      paramLabel = "NAME",
      defaultValue = "raw-aes-key",
      description = "Key name stored with a raw-AES-wrapped data key (default: ${DEFAULT-VALUE}).")
  String keyName;
}

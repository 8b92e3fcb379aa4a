package dev.envelope.samples.cli;

import dev.envelope.Envelope;
import dev.envelope.samples.support.Transfer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code envelope encrypt}: one file into one message, streaming, with progress for large files.
 */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Encrypt a file into an AWS Encryption SDK v2 message, streaming (memory stays flat).")
final class EncryptCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--in"},
      required = true,
      paramLabel = "FILE",
      description = "Plaintext file to read.")
  Path in;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Message to write (replaced only once encryption has finished).")
  Path out;

  @Mixin ContextOptions context;
  @Mixin KeyOptions keys;
  @Mixin KmsOptions kms;
  @Mixin ProgressOptions progress;

  @Override
  public Integer call() throws Exception {
    long size = FileCrypto.checkInput(in);
    Path tmp = FileCrypto.tempFor(out);
    try (KeyringSession session = KeyringSession.open(keys, kms, KeyringSession.Mode.ENCRYPT)) {
      Envelope envelope = Envelope.builder().keyring(session.keyring()).build();
      Transfer.Result result;
      try (InputStream source = Files.newInputStream(in);
          OutputStream file =
              Files.newOutputStream(tmp); // closed here too in case encryptingStream fails
          OutputStream sink = envelope.encryptingStream(file, context.context)) {
        result = Transfer.copy(source, sink, size, "encrypt", progress.enabled(), System.err);
      }
      FileCrypto.publish(tmp, out);
      System.out.println("Encrypted " + in + " -> " + out + " with " + session.description());
      System.out.println(
          "  "
              + result.summary()
              + ", message "
              + Files.size(out)
              + " bytes, context "
              + context.context);
      return 0;
    } finally {
      FileCrypto.discard(tmp);
    }
  }
}

package dev.envelope.samples.cli;

import dev.envelope.Envelope;
import dev.envelope.samples.support.CountingInputStream;
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
 * {@code envelope decrypt}: one message back into its plaintext, checking the encryption context.
 */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Decrypt a message written by `envelope encrypt` or any AWS Encryption SDK, streaming.",
      "Give the same --context entries it was encrypted with: a message bound to another context is refused.",
      "The output file appears only once the whole message has been authenticated."
    })
final class DecryptCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--in"},
      required = true,
      paramLabel = "FILE",
      description = "Message to read.")
  Path in;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Plaintext file to write.")
  Path out;

  @Mixin ContextOptions context;
  @Mixin KeyOptions keys;
  @Mixin KmsOptions kms;
  @Mixin ProgressOptions progress;

  @Override
  public Integer call() throws Exception {
    long size = FileCrypto.checkInput(in);
    Path tmp = FileCrypto.tempFor(out);
    try (KeyringSession session = KeyringSession.open(keys, kms, KeyringSession.Mode.DECRYPT)) {
      Envelope envelope = Envelope.builder().keyring(session.keyring()).build();
      Transfer.Result result;
      try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(in));
          // Without --context nothing is checked; say so rather than pretend.
          InputStream plaintext =
              context.context.isEmpty()
                  ? envelope.decryptingStream(counted)
                  : envelope.decryptingStream(counted, context.context);
          OutputStream sink = Files.newOutputStream(tmp)) {
        result =
            Transfer.copy(
                plaintext, sink, counted::count, size, "decrypt", progress.enabled(), System.err);
      }
      FileCrypto.publish(tmp, out);
      System.out.println("Decrypted " + in + " -> " + out + " with " + session.description());
      System.out.println(
          "  "
              + result.summary()
              + (context.context.isEmpty()
                  ? ", encryption context not checked (pass --context to check it)"
                  : ", encryption context " + context.context + " verified"));
      return 0;
    } finally {
      FileCrypto.discard(tmp);
    }
  }
}

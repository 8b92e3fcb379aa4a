package dev.envelope.samples.cli;

import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import dev.envelope.materials.CachingMaterialsManager;
import dev.envelope.samples.files.GeneratedInputStream;
import dev.envelope.samples.support.CountingInputStream;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.Sizes;
import dev.envelope.samples.support.Transfer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code envelope demo}: a one-minute tour against a local KMS started for the occasion (nothing is
 * kept): a record with an encryption context, a context mismatch refused, the data-key cache at
 * work, a file streamed through, and the KMS audit trail.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "A short end-to-end tour against an in-process local KMS; needs no AWS account.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--file-size",
      defaultValue = "16MiB",
      converter = dev.envelope.samples.files.LargeFileSample.SizeConverter.class,
      description = "Size of the streamed file (default: ${DEFAULT-VALUE}).")
  long fileSize;

  @Option(
      names = "--records",
      defaultValue = "10000",
      description = "Records for the cache step (default: ${DEFAULT-VALUE}).")
  int records;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    try (DevKms kms = DevKms.ephemeral()) {
      String keyArn = kms.resolveKeyArn(kms.defaultAlias());
      out.println(
          "1. Local KMS on "
              + kms.localKms().endpoint()
              + " (loopback only), key "
              + kms.defaultAlias());
      out.println("   -> " + keyArn);
      Envelope envelope = Envelope.builder().keyring(kms.keyring(keyArn)).build();

      Map<String, String> context = Map.of("tenant", "acme", "table", "orders", "id", "42");
      byte[] record =
          "{\"card\":\"4111111111111111\",\"amount\":1999}".getBytes(StandardCharsets.UTF_8);
      byte[] message = envelope.encrypt(record, context);
      out.println(
          "2. Encrypted a "
              + record.length
              + "-byte record into a "
              + message.length
              + "-byte message bound to context "
              + context);
      byte[] back = envelope.decrypt(message, context).plaintext();
      out.println(
          "   Decrypted with the same context: "
              + (Arrays.equals(back, record) ? "identical" : "DIFFERENT"));
      Arrays.fill(back, (byte) 0);

      Map<String, String> other = Map.of("tenant", "acme", "table", "orders", "id", "43");
      boolean refused;
      try {
        envelope.decrypt(message, other);
        refused = false;
        out.println("3. NOT refused: decrypting as record 43 succeeded");
      } catch (EncryptionContextMismatchException e) {
        refused = true;
        out.println(
            "3. Decrypting it as record 43 is refused: context differs in " + e.differingKeys());
      }

      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      CachingMaterialsManager cache =
          CachingMaterialsManager.builder()
              .keyring(kms.keyring(keyArn))
              .maxAge(Duration.ofMinutes(5))
              .maxMessages(1000)
              .partition("demo")
              .meterRegistry(meters)
              .build();
      Envelope cached = Envelope.builder().materialsManager(cache).build();
      Map<String, String> batch = Map.of("tenant", "acme", "table", "events");
      long before = kms.calls("GenerateDataKey");
      long t0 = System.nanoTime();
      for (int i = 0; i < records; i++) {
        cached.encrypt(("event " + i).getBytes(StandardCharsets.UTF_8), batch);
      }
      long nanos = System.nanoTime() - t0;
      long calls = kms.calls("GenerateDataKey") - before;
      out.printf(
          "4. Cache (maxMessages 1000, maxAge 5 min): %d records in %s, %d GenerateDataKey calls;"
              + " hits %.0f, misses %.0f%n",
          records,
          Sizes.seconds(nanos),
          calls,
          meters.counter("envelope.cache.hits", "partition", "demo").count(),
          meters.counter("envelope.cache.misses", "partition", "demo").count());

      boolean same = streamFile(envelope, out);
      out.println(
          "6. KMS calls by operation (from the local KMS audit log): " + kms.callsByOperation());
      boolean ok = refused && same;
      out.println(
          ok
              ? "Demo finished: all steps behaved as expected."
              : "Demo finished with UNEXPECTED results.");
      return ok ? 0 : 1;
    }
  }

  private boolean streamFile(Envelope envelope, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("envelope-demo");
    Path message = dir.resolve("data.envelope");
    Map<String, String> context = Map.of("file", "demo.bin");
    try {
      MessageDigest in = MessageDigest.getInstance("SHA-256");
      Transfer.Result enc;
      try (InputStream src = new DigestInputStream(new GeneratedInputStream(fileSize, 7), in);
          OutputStream file = Files.newOutputStream(message);
          OutputStream sink = envelope.encryptingStream(file, context)) {
        enc = Transfer.copy(src, sink, fileSize, "encrypt", true, System.err);
      }
      long messageSize = Files.size(message);
      MessageDigest outDigest = MessageDigest.getInstance("SHA-256");
      Transfer.Result dec;
      try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(message));
          InputStream plain = envelope.decryptingStream(counted, context);
          OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), outDigest)) {
        dec = Transfer.copy(plain, sink, counted::count, messageSize, "decrypt", true, System.err);
      }
      boolean same = MessageDigest.isEqual(in.digest(), outDigest.digest());
      out.println(
          "5. Streamed a "
              + Sizes.format(fileSize)
              + " file: encrypt "
              + enc.rate()
              + ", decrypt "
              + dec.rate()
              + ", SHA-256 "
              + (same ? "matches" : "DIFFERS"));
      return same;
    } finally {
      Files.deleteIfExists(message);
      Files.deleteIfExists(dir);
    }
  }
}

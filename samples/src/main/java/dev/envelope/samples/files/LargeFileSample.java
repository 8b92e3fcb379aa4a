package dev.envelope.samples.files;

import dev.envelope.Envelope;
import dev.envelope.samples.support.CountingInputStream;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.Sizes;
import dev.envelope.samples.support.Transfer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Large-file sample: generates a file of the requested size, encrypts it to a message and decrypts
 * it back, all as streams with one 64 KiB frame in flight, and checks the SHA-256 of what came
 * back. Prints MB/s and the peak heap, which stays flat whatever the file size (run it with {@code
 * -Xmx64m} to see).
 */
@Command(
    name = "large-file",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Large-file sample: generate, encrypt and decrypt a file as streams; checksum and MB/s.")
public final class LargeFileSample implements Callable<Integer> {
  @Option(
      names = "--size",
      defaultValue = "64MiB",
      converter = SizeConverter.class,
      description = "File size, e.g. 64MiB or 4GiB (default: ${DEFAULT-VALUE}).")
  long size;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to write the files (default: a temp dir).")
  Path dir;

  @Option(names = "--keep", description = "Keep the plaintext, message and decrypted files.")
  boolean keep;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  /** What a run measured. */
  public record Report(
      long bytes,
      String sha256,
      boolean checksumMatches,
      Transfer.Result encrypt,
      Transfer.Result decrypt,
      long messageBytes,
      long peakHeapBytes) {}

  /** picocli converter for human sizes. */
  public static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Sizes.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LargeFileSample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return run(System.out).checksumMatches() ? 0 : 1;
  }

  public Report run(PrintStream out) throws Exception {
    Path work =
        dir != null
            ? Files.createDirectories(dir)
            : Files.createTempDirectory("envelope-large-file");
    Path plain = work.resolve("plain.bin");
    Path message = work.resolve("plain.bin.envelope");
    Path back = work.resolve("plain.bin.decrypted");
    Map<String, String> context =
        Map.of("purpose", "large-file-sample", "file", plain.getFileName().toString());
    resetPeakHeap();
    try (DevKms kms = DevKms.ephemeral()) {
      Envelope envelope =
          Envelope.builder().keyring(kms.keyring(kms.resolveKeyArn(kms.defaultAlias()))).build();
      out.println(
          "Large-file sample: "
              + Sizes.format(size)
              + " in "
              + work
              + ", local KMS, frame "
              + Sizes.format(envelope.frameSize()));

      MessageDigest original = MessageDigest.getInstance("SHA-256");
      try (InputStream gen = new DigestInputStream(new GeneratedInputStream(size, 42), original);
          OutputStream file = Files.newOutputStream(plain)) {
        Transfer.Result g = Transfer.copy(gen, file, size, "generate", !noProgress, System.err);
        out.println("Generated " + g.summary());
      }

      Transfer.Result enc;
      try (InputStream in = Files.newInputStream(plain);
          OutputStream file = Files.newOutputStream(message);
          OutputStream sink = envelope.encryptingStream(file, context)) {
        enc = Transfer.copy(in, sink, size, "encrypt", !noProgress, System.err);
      }
      long messageBytes = Files.size(message);
      out.println("Encrypted " + enc.summary() + " -> message of " + messageBytes + " bytes");

      MessageDigest decrypted = MessageDigest.getInstance("SHA-256");
      Transfer.Result dec;
      try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(message));
          InputStream in = envelope.decryptingStream(counted, context);
          OutputStream sink = new DigestOutputStream(Files.newOutputStream(back), decrypted)) {
        dec =
            Transfer.copy(
                in, sink, counted::count, messageBytes, "decrypt", !noProgress, System.err);
      }
      out.println("Decrypted " + dec.summary());

      String want = HexFormat.of().formatHex(original.digest());
      String got = HexFormat.of().formatHex(decrypted.digest());
      boolean match = want.equals(got);
      long peak = peakHeap();
      out.println("SHA-256 original  " + want);
      out.println("SHA-256 decrypted " + got + (match ? "  (match)" : "  (MISMATCH)"));
      out.println(
          "Peak heap used "
              + Sizes.format(peak)
              + " of max "
              + Sizes.format(Runtime.getRuntime().maxMemory())
              + " for a "
              + Sizes.format(size)
              + " file"
              + (Runtime.getRuntime().maxMemory() > (1L << 30)
                  ? " (a large heap lets garbage pile up; run with -Xmx64m to see the working set stay flat)"
                  : ""));
      return new Report(size, got, match, enc, dec, messageBytes, peak);
    } finally {
      if (!keep) {
        Files.deleteIfExists(plain);
        Files.deleteIfExists(message);
        Files.deleteIfExists(back);
        if (dir == null) {
          Files.deleteIfExists(work);
        }
      } else {
        out.println("Kept " + plain + ", " + message + ", " + back);
      }
    }
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the reset: an upper bound on what was live at once. */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}

package dev.envelope.samples.cli;

import dev.envelope.samples.support.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * File handling shared by encrypt and decrypt: checks that say what to fix, and all-or-nothing
 * output.
 */
final class FileCrypto {
  private FileCrypto() {}

  static long checkInput(Path in) {
    if (!Files.exists(in)) {
      throw new UsageException("input file " + in + " does not exist; check --in");
    }
    if (!Files.isRegularFile(in)) {
      throw new UsageException("input " + in + " is not a regular file; check --in");
    }
    if (!Files.isReadable(in)) {
      throw new UsageException("input file " + in + " is not readable; check its permissions");
    }
    try {
      return Files.size(in);
    } catch (IOException e) {
      throw new UsageException("cannot read " + in + ": " + e.getMessage(), e);
    }
  }

  /** A temporary file next to {@code out}, so the final rename stays on one file system. */
  static Path tempFor(Path out) {
    Path dir = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new UsageException("output directory " + dir + " does not exist; check --out");
    }
    if (Files.isDirectory(out)) {
      throw new UsageException("output " + out + " is a directory; give a file name to --out");
    }
    try {
      return Files.createTempFile(dir, "." + out.getFileName(), ".partial");
    } catch (NoSuchFileException e) {
      throw new UsageException("output directory " + dir + " does not exist; check --out", e);
    } catch (IOException e) {
      throw new UsageException(
          "cannot write in " + dir + ": " + e.getMessage() + "; check --out", e);
    }
  }

  /**
   * Puts the finished temporary file in place. Until here {@code out} is untouched, so a failed
   * decryption never leaves unauthenticated plaintext, and a failed encryption never leaves a
   * truncated message.
   */
  static void publish(Path tmp, Path out) throws IOException {
    try {
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void discard(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // best effort: it is only a partial file with a .partial suffix
    }
  }
}

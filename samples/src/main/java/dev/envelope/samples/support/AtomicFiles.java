package dev.envelope.samples.support;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Creating a state file exactly once when several CLI processes may start at the same moment. */
final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code file} unless it exists. The content goes to a temporary file
   * that is then linked into place: a link fails if the target exists, so the first creator wins
   * and every process reads the same file. Where links are unsupported it falls back to a move.
   *
   * @param ownerOnly restrict the file to its owner where the file system has POSIX permissions
   */
  static void createIfAbsent(Path file, byte[] content, boolean ownerOnly) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".envelope", ".tmp");
    try {
      if (ownerOnly) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: rely on the directory's protection
        }
      }
      Files.write(tmp, content);
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException lost) {
        // another process made it first; its content is what everyone reads
      } catch (UnsupportedOperationException | IOException noLinks) {
        if (!Files.exists(file)) {
          Files.move(tmp, file);
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

package dev.envelope.vectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The files of one vector set, read straight from its zip archive (or from a directory), addressed
 * the way manifests address them: {@code file://} URIs relative to the manifest.
 */
final class VectorFiles {
  private final String name;
  private final Map<String, byte[]> files;
  private final Path directory;

  private VectorFiles(String name, Map<String, byte[]> files, Path directory) {
    this.name = name;
    this.files = files;
    this.directory = directory;
  }

  /** Every file of a zip archive, held in memory (the official archives are a few MB). */
  static VectorFiles fromZip(String name, InputStream zip) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(zip)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (!entry.isDirectory()) {
          files.put(normalize(entry.getName()), in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read vector archive " + name, e);
    }
    return new VectorFiles(name, files, null);
  }

  static VectorFiles fromDirectory(Path directory) {
    return new VectorFiles(directory.toString(), null, directory);
  }

  String name() {
    return name;
  }

  /** The file at {@code path} (relative to the archive root). */
  byte[] read(String path) {
    String p = normalize(path);
    if (directory != null) {
      try {
        return Files.readAllBytes(directory.resolve(p));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p + " in " + name, e);
      }
    }
    byte[] b = files.get(p);
    if (b == null) {
      throw new NoSuchElementException("no file " + p + " in " + name);
    }
    return b;
  }

  /**
   * Resolves a manifest's {@code file://} URI against the directory of the manifest at {@code
   * base}.
   */
  byte[] readUri(String base, String uri) {
    if (!uri.startsWith("file://")) {
      throw new IllegalArgumentException("only file:// URIs are supported, got " + uri);
    }
    int slash = base.lastIndexOf('/');
    String dir = slash < 0 ? "" : base.substring(0, slash + 1);
    return read(dir + uri.substring("file://".length()));
  }

  /**
   * The path of the decrypt manifest: the JSON file whose {@code manifest.type} is {@code
   * awses-decrypt}, nearest the root.
   */
  String findDecryptManifest() {
    Iterable<String> names;
    if (directory != null) {
      try (var walk = Files.walk(directory)) {
        names =
            walk.filter(Files::isRegularFile)
                .map(p -> directory.relativize(p).toString().replace('\\', '/'))
                .toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      names = files.keySet();
    }
    String best = null;
    for (String n : names) {
      if (!n.endsWith(".json") || (best != null && depth(n) >= depth(best))) {
        continue;
      }
      try {
        Object type =
            Json.object(
                    Json.object(
                            Json.parse(
                                new String(read(n), java.nio.charset.StandardCharsets.UTF_8)),
                            n)
                        .get("manifest"),
                    n + " manifest")
                .get("type");
        if ("awses-decrypt".equals(type)) {
          best = n;
        }
      } catch (RuntimeException notAManifest) {
        // Not JSON of the expected shape: some other file.
      }
    }
    if (best == null) {
      throw new NoSuchElementException("no awses-decrypt manifest in " + name);
    }
    return best;
  }

  private static int depth(String path) {
    return (int) path.chars().filter(c -> c == '/').count();
  }

  private static String normalize(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    return p;
  }
}

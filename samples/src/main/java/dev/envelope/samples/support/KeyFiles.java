package dev.envelope.samples.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads and creates AES wrapping-key files. A key file holds 16, 24 or 32 raw bytes, or the same as
 * base64 or hex text (what {@code openssl rand -base64 32 > key} or {@code head -c 32 /dev/urandom
 * > key} produce). Callers own the returned array and zero it when done; nothing here prints key
 * bytes.
 */
public final class KeyFiles {
  private KeyFiles() {}

  public static byte[] read(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UsageException(
          "key file "
              + file
              + " does not exist; create one with"
              + " `head -c 32 /dev/urandom > "
              + file
              + "` or check --raw-aes-key");
    } catch (IOException e) {
      throw new UsageException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    try {
      if (isAesLength(raw.length)) {
        return raw.clone();
      }
      String text = new String(raw, StandardCharsets.US_ASCII).trim();
      byte[] decoded = decode(text);
      if (decoded == null || !isAesLength(decoded.length)) {
        if (decoded != null) {
          Arrays.fill(decoded, (byte) 0);
        }
        throw new UsageException(
            "key file "
                + file
                + " holds "
                + raw.length
                + " bytes; it must hold a 16, 24 or"
                + " 32-byte AES key, raw or as base64 or hex text");
      }
      return decoded;
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static byte[] decode(String text) {
    if (text.matches("[0-9a-fA-F]+") && text.length() % 2 == 0) {
      return HexFormat.of().parseHex(text);
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isAesLength(int n) {
    return n == 16 || n == 24 || n == 32;
  }
}

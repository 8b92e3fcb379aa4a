package dev.envelope.samples.support;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them ({@code 64MiB}, {@code 3G}, {@code 512k}) and as the samples
 * print them.
 */
public final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /**
   * Parses a size; units are binary (k = KiB = 1024), since that is what file sizes in these
   * samples mean.
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "'; write e.g. 65536, 64MiB, 3GiB");
    }
    double n = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    return (long) (n * (1L << shift));
  }

  /** {@code 64.0 MiB}. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Decimal megabytes per second, the unit disk and network tools use. */
  public static String rate(long bytes, long nanos) {
    double seconds = Math.max(nanos, 1) / 1e9;
    return String.format(Locale.ROOT, "%.1f MB/s", bytes / 1e6 / seconds);
  }

  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}

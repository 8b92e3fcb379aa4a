package dev.envelope.benchmarks.report;

import java.util.Locale;

/** Formatting of scores, sizes and ratios for the report, in one place so tables agree. */
public final class Units {
  private Units() {}

  /** 1234567 -> "1.23 M", 45678 -> "45.7 k", 512 -> "512". */
  public static String count(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }
    if (a >= 1e3) {
      return String.format(Locale.ROOT, "%.1f k", v / 1e3);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** 10^e as an axis label: 1, 10, 100, 1k, 10k, 100k, 1M, ... */
  public static String powerOfTen(double e) {
    long v = Math.round(Math.pow(10, e));
    if (v >= 1_000_000) {
      return v / 1_000_000 + "M";
    }
    return v >= 1000 ? v / 1000 + "k" : Long.toString(v);
  }

  /** Bytes per second as MiB/s, or "-" when unknown. */
  public static String mibPerSecond(double bytesPerSecond) {
    if (Double.isNaN(bytesPerSecond) || bytesPerSecond <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f MiB/s", bytesPerSecond / (1024 * 1024));
  }

  /** 3.14159 -> "3.14x"; NaN -> "-". */
  public static String ratio(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
  }

  /** 0.8 -> "80%"; NaN -> "-". */
  public static String percent(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", v * 100);
  }

  /** Byte sizes in parameters read better as 1KiB, 64KiB, 1MiB. */
  public static String param(String name, String value) {
    if (!(name.equals("size") || name.equals("frameSize"))) {
      return name.equals("streamMiB") ? value + "MiB" : value;
    }
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      return value;
    }
    if (n >= 1 << 20 && n % (1 << 20) == 0) {
      return (n >> 20) + "MiB";
    }
    if (n >= 1024 && n % 1024 == 0) {
      return (n >> 10) + "KiB";
    }
    return n + "B";
  }
}
